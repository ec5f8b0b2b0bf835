"""Projects (nesting, order, archive, delete), tags (unique ignoring case) and saved filters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import NotFoundError, ValidationError
from app.models import Tag
from app.services.facade import Services
from app.services.filter_query import FilterError
from app.services.tasks import TaskFields


def test_tags_are_unique_ignoring_case(services: Services) -> None:
    a = services.tasks.create(TaskFields(title="a", tags=("Work",)))
    b = services.tasks.create(TaskFields(title="b", tags=("work", "WORK", "@work")))
    assert (a.tags, b.tags) == (("Work",), ("Work",))
    with services.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Tag)) == 1
    assert [(t.name, t.open_tasks) for t in services.tags.list()] == [("Work", 2)]


def test_a_deleted_tag_name_can_be_used_again(services: Services) -> None:
    services.tasks.create(TaskFields(title="a", tags=("old",)))
    old = services.tags.list()[0]
    services.tags.delete(old.id)
    task = services.tasks.create(TaskFields(title="b", tags=("OLD",)))
    assert task.tags == ("OLD",)
    assert [t.name for t in services.tags.list()] == ["OLD"]


def test_renaming_onto_another_tag_is_refused(services: Services) -> None:
    services.tasks.create(TaskFields(title="a", tags=("one", "two")))
    one = next(t for t in services.tags.list() if t.name == "one")
    with pytest.raises(ValidationError, match="already"):
        services.tags.rename(one.id, "TWO")
    assert sorted(t.name for t in services.tags.list()) == ["one", "two"]


def test_projects_nest_order_and_move(services: Services) -> None:
    home = services.projects.create("Home")
    work = services.projects.create("Work", color="#E5484D")
    garden = services.projects.create("  Garden  ", parent_id=home.id)
    assert (work.color, garden.name, garden.parent_id) == ("#e5484d", "Garden", home.id)
    assert [p.name for p in services.projects.list()] == ["Home", "Work", "Garden"]
    services.projects.move(work.id, parent_id=None, before_id=home.id)
    assert [p.name for p in services.projects.list()][:2] == ["Work", "Home"]
    with pytest.raises(ValidationError, match="cannot be nested inside itself"):
        services.projects.move(home.id, parent_id=garden.id)
    moved = services.projects.move(garden.id, parent_id=work.id)
    assert moved.parent_id == work.id


@pytest.mark.parametrize(("name", "color", "message"), [
    ("   ", None, "A project needs a name."),
    ("x" * 201, None, "at most 200 characters"),
    ("Ok", "red", "Colour must look like #rrggbb"),
    ("Ok", "#zzzzzz", "Colour must look like #rrggbb"),
])
def test_project_validation(services: Services, name: str, color: str | None,
                            message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.projects.create(name, color=color)
    assert services.projects.list() == []


def test_by_name_and_archive(services: Services) -> None:
    old = services.projects.create("Old Stuff")
    services.projects.update(old.id, archived=True, name="Archive")
    assert services.projects.list() == []
    assert [p.name for p in services.projects.list(include_archived=True)] == ["Archive"]
    found = services.projects.by_name(" archive ")
    assert found is not None and found.id == old.id
    assert services.projects.by_name("nothing") is None
    with pytest.raises(NotFoundError):
        services.projects.get("f" * 32)


def test_project_counts_only_open_live_tasks(services: Services) -> None:
    home = services.projects.create("Home")
    for title in ("a", "b", "c"):
        services.tasks.create(TaskFields(title=title, project_id=home.id))
    tasks = services.tasks.reader.select()
    services.tasks.complete(tasks[0].id)
    services.tasks.delete(tasks[1].id)
    assert services.projects.get(home.id).open_tasks == 1


def test_saved_filters(services: Services) -> None:
    saved = services.filters.save("Urgent", "  p1 overdue ")
    assert (saved.name, saved.query) == ("Urgent", "p1 overdue")
    with pytest.raises(FilterError):
        services.filters.save("Broken", "due<")
    assert [f.name for f in services.filters.list()] == ["Urgent"]
    services.filters.delete(saved.id)
    assert services.filters.list() == []
    services.history.undo()
    assert [f.name for f in services.filters.list()] == ["Urgent"]
