"""Sidebar views and the filter compiler over a fixed clock (Sat 2026-11-28 11:00 Berlin)."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.services import task_query as tq
from app.services.facade import Services
from app.services.filter_query import FilterError
from app.services.tasks import TaskFields

TODAY = date(2026, 11, 28)


@pytest.fixture
def world(services: Services) -> Services:
    """A small set of tasks covering every view boundary."""
    home = services.projects.create("Home")
    garden = services.projects.create("Garden", parent_id=home.id)
    work = services.projects.create("Work")
    add = services.tasks.create
    add(TaskFields(title="Inbox idea", notes="50% done_ish"))
    add(TaskFields(title="Yesterday bill", project_id=home.id, due_date=date(2026, 11, 27),
                   priority=1, tags=("Bills",)))
    add(TaskFields(title="Morning call", project_id=work.id, due_date=TODAY, due_time=time(8)))
    add(TaskFields(title="Evening call", project_id=work.id, due_date=TODAY, due_time=time(20)))
    add(TaskFields(title="Today chore", project_id=home.id, due_date=TODAY, priority=2))
    add(TaskFields(title="Plant bulbs", project_id=garden.id, due_date=date(2026, 12, 1),
                   tags=("outside",)))
    add(TaskFields(title="Next week", due_date=date(2026, 12, 5), priority=3))
    add(TaskFields(title="Far away", due_date=date(2027, 1, 10)))
    parent = add(TaskFields(title="Trip", project_id=work.id))
    add(TaskFields(title="Book hotel", parent_id=parent.id, status="in_progress"))
    done = add(TaskFields(title="Done thing", tags=("bills",)))
    services.tasks.complete(done.id)
    services.clock.fixed = services.clock.fixed.replace(minute=5)  # type: ignore[union-attr]
    gone = add(TaskFields(title="Cancelled thing"))
    services.tasks.set_status(gone.id, "cancelled")
    deleted = add(TaskFields(title="Deleted thing", due_date=TODAY))
    services.tasks.delete(deleted.id)
    return services


def titles(services: Services, view: tq.View) -> list[str]:
    where, order = tq.view_clause(view, services.clock)
    return [t.title for t in services.tasks.reader.select(where, order)]


def search(services: Services, text: str) -> set[str]:
    return {t.title for t in services.tasks.reader.select(tq.search_clause(text, services.clock))}


def test_inbox(world: Services) -> None:
    assert titles(world, tq.INBOX) == ["Inbox idea", "Next week", "Far away"]


def test_today_includes_overdue_in_due_order(world: Services) -> None:
    assert titles(world, tq.TODAY) == ["Yesterday bill", "Morning call", "Evening call",
                                       "Today chore"]


def test_upcoming_is_seven_days_from_today(world: Services) -> None:
    assert titles(world, tq.UPCOMING) == ["Morning call", "Evening call", "Today chore",
                                          "Plant bulbs"]


def test_overdue_counts_a_timed_due_earlier_today(world: Services) -> None:
    assert titles(world, tq.OVERDUE) == ["Yesterday bill", "Morning call"]


def test_completed_newest_first(world: Services) -> None:
    assert titles(world, tq.COMPLETED) == ["Cancelled thing", "Done thing"]


def test_project_and_tag_views(world: Services) -> None:
    home = world.projects.by_name("home")
    assert home is not None
    assert titles(world, tq.View("project", home.id)) == ["Yesterday bill", "Today chore"]
    bills = next(t for t in world.tags.list() if t.name == "Bills")
    assert titles(world, tq.View("tag", bills.id)) == ["Yesterday bill"]  # the done one hides


def test_all_view_hides_only_deleted(world: Services) -> None:
    assert len(titles(world, tq.ALL)) == 12


def test_filter_view(world: Services) -> None:
    assert titles(world, tq.View("filter", "p1 or p2")) == ["Yesterday bill", "Today chore"]


@pytest.mark.parametrize(("query", "expected"), [
    ("call", {"Morning call", "Evening call"}),  # Text, title
    ('"50% done_"', {"Inbox idea"}),  # Text in notes; % and _ are literal
    ("50_", set()),
    ("#home", {"Yesterday bill", "Today chore", "Plant bulbs"}),  # with subprojects
    ("#Garden", {"Plant bulbs"}),
    ("@bills", {"Yesterday bill"}),  # case-insensitive; closed tasks hidden
    ("p3", {"Next week"}),
    ("due:today", {"Morning call", "Evening call", "Today chore"}),
    ("due:yesterday", {"Yesterday bill"}),
    ("due:2026-12-01", {"Plant bulbs"}),
    ("due<2026-11-28", {"Yesterday bill"}),
    ("due<=2026-11-28", {"Yesterday bill", "Morning call", "Evening call", "Today chore"}),
    ("due>2026-12-05", {"Far away"}),
    ("due>=2026-12-05", {"Next week", "Far away"}),
    ("due:week", {"Morning call", "Evening call", "Today chore", "Plant bulbs"}),
    ("overdue", {"Yesterday bill", "Morning call"}),
    ("no:due #work", {"Trip", "Book hotel"}),
    ("no:project no:due", {"Inbox idea"}),
    ("no:tags due<2026-12-02", {"Morning call", "Evening call", "Today chore"}),
    ("is:todo #work", {"Morning call", "Evening call", "Trip"}),
    ("is:doing", {"Book hotel"}),
    ("is:done", {"Done thing"}),
    ("is:cancelled", {"Cancelled thing"}),
    ("-is:open", {"Done thing", "Cancelled thing"}),
    ("has:subtasks", {"Trip"}),
    ("#work -call", {"Trip", "Book hotel"}),
    ("p1 or @outside", {"Yesterday bill", "Plant bulbs"}),
    ("#home p2 or #work overdue", {"Today chore", "Morning call"}),
    ("@bills is:done", {"Done thing"}),
    ("", {"Inbox idea", "Yesterday bill", "Morning call", "Evening call", "Today chore",
          "Plant bulbs", "Next week", "Far away", "Trip", "Book hotel"}),
])
def test_filter_compiler(world: Services, query: str, expected: set[str]) -> None:
    assert search(world, query) == expected


def test_malformed_filters_raise(world: Services) -> None:
    for query in ("due<", '"open', "or p1", "due:someday", "is:sleeping"):
        with pytest.raises(FilterError):
            tq.search_clause(query, world.clock)
