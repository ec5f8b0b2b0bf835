"""The start-up's first page (plain sqlite3) equals the services' reader, and never writes."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from app import paths
from app.services import task_query as tq
from app.services.facade import Services
from app.services.first_page import (
    INBOX_REF,
    KINDS,
    ViewRef,
    read_first_page,
    select_first_page,
)
from app.services.sample import SETTING_KEY, ensure_sample_project
from app.services.tasks import TaskFields

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 28)


@pytest.fixture
def world(services: Services) -> Services:
    """Tasks across every view's boundaries: subtasks, ties in position, tags (one of them
    deleted), date and timed dues around now, closed and deleted tasks, projects."""
    home = services.projects.create("Home")
    work = services.projects.create("Work")
    add = services.tasks.create
    for i in range(12):
        add(TaskFields(title=f"Inbox {i}", priority=1 + i % 4,
                       due_date=TODAY + timedelta(days=i - 4) if i % 3 else None,
                       tags=("Bills", "errand") if i % 2 else ()))
    for priority in (4, 2, 1):  # one due date: priority, not creation order, decides
        add(TaskFields(title=f"Due today P{priority}", due_date=TODAY, priority=priority))
    parent = add(TaskFields(title="Trip", tags=("travel",), estimate_minutes=90))
    add(TaskFields(title="Book hotel", parent_id=parent.id, status="in_progress"))
    done_child = add(TaskFields(title="Pack", parent_id=parent.id))
    services.tasks.complete(done_child.id)
    gone_child = add(TaskFields(title="Visa", parent_id=parent.id))
    services.tasks.delete([gone_child.id])  # not counted
    add(TaskFields(title="Fruit", tags=("Zebra", "apple")))  # tags sort case-blind
    add(TaskFields(title="Morning call", project_id=work.id, due_date=TODAY, due_time=time(8),
                   due_tz="Europe/Berlin", tags=("errand",)))
    add(TaskFields(title="Evening call", project_id=work.id, due_date=TODAY,
                   due_time=time(20), due_tz="America/New_York"))
    add(TaskFields(title="Yesterday bill", project_id=home.id, due_date=TODAY - timedelta(1),
                   priority=1, recurrence="FREQ=MONTHLY", scheduled_date=TODAY))
    add(TaskFields(title="Plan garden", project_id=home.id, notes="with\nnotes",
                   tags=("outside",)))
    start = services.clock.fixed
    assert start is not None
    for i in range(3):  # closed, at different instants
        services.clock.fixed = start + timedelta(minutes=7 * (i + 1))
        closed = add(TaskFields(title=f"Closed {i}", project_id=home.id if i else None))
        services.tasks.set_status(closed.id, "done" if i != 1 else "cancelled")
    services.clock.fixed = start
    # Due at the clock's very instant (11:00 in Berlin): not overdue yet.
    add(TaskFields(title="Due now", due_date=TODAY, due_time=time(11), due_tz="Europe/Berlin"))
    deleted = add(TaskFields(title="Deleted", due_date=TODAY))
    services.tasks.delete([deleted.id])
    outside = next(t for t in services.tags.list() if t.name == "outside")
    services.tags.delete(outside.id)
    con = sqlite3.connect(services.store.path)
    # A tag tombstoned with its task links left in place (as a sync may leave it).
    con.execute("UPDATE tags SET deleted_at = '2026-11-28T09:00:00.000000Z' "
                "WHERE name = 'errand'")
    # Ties in the sort keys: the first page must break them as the reader does.
    con.execute("UPDATE tasks SET position = 5 WHERE title LIKE 'Inbox 1%'")
    con.commit()
    con.close()
    return services


def views(services: Services) -> list[tq.View]:
    projects = {p.name: p.id for p in services.projects.list()}
    tags = {t.name: t.id for t in services.tags.list()}
    return [tq.INBOX, tq.TODAY, tq.UPCOMING, tq.OVERDUE, tq.COMPLETED, tq.ALL,
            tq.View("project", projects["Home"]), tq.View("project", projects["Work"]),
            tq.View("tag", tags["bills"] if "bills" in tags else tags["Bills"]),
            tq.View("tag", tags["travel"])]


def reader_first_page(services: Services, view: tq.View, limit: int) -> list[object]:
    where, order = tq.list_clause(view, services.clock, top_level=True)
    return list(services.tasks.reader.select(where, order, limit=limit))


def test_every_built_in_view_equals_the_readers_first_rows(world: Services) -> None:
    con = sqlite3.connect(world.store.path)
    try:
        seen_kinds = set()
        for view in views(world):
            seen_kinds.add(view.kind)
            for limit in (3, 200):
                expected = reader_first_page(world, view, limit)
                got = select_first_page(con, view, world.clock, limit)
                assert got == expected, (view, limit)
            assert expected, view  # every view has rows here: the comparison means something
        assert seen_kinds == KINDS
    finally:
        con.close()


def test_subtask_counts_tags_and_instants_come_through(world: Services) -> None:
    con = sqlite3.connect(world.store.path)
    try:
        page = {t.title: t for t in select_first_page(con, tq.ALL, world.clock, 200)}
    finally:
        con.close()
    assert (page["Trip"].subtasks_total, page["Trip"].subtasks_done) == (2, 1)
    assert page["Inbox 1"].tags == ("Bills",)  # without the tombstoned tag
    assert page["Plan garden"].tags == ()
    assert page["Fruit"].tags == ("apple", "Zebra")
    evening = page["Evening call"]
    assert evening.due_at is not None and evening.due_at.utcoffset() == timedelta(0)
    assert evening.due_local() is not None and evening.due_local().hour == 20  # type: ignore[union-attr]
    assert page["Yesterday bill"].scheduled_date == TODAY
    assert "Book hotel" not in page  # top-level tasks only, as the list's first page


def test_read_first_page_of_a_ready_store(world: Services) -> None:
    assert not ensure_sample_project(world)  # marks the first run done (the store has data)
    page = read_first_page(world.store.path, INBOX_REF, world.clock, limit=5)
    assert page is not None
    assert page.tasks == reader_first_page(world, tq.INBOX, 5)
    assert (page.kind, page.ref, page.today) == ("inbox", None, TODAY)
    assert page.now == world.clock.now() and page.zone == world.clock.zone
    assert (INBOX_REF.kind, INBOX_REF.ref) == (tq.INBOX.kind, tq.INBOX.ref)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_it_never_writes(world: Services) -> None:
    ensure_sample_project(world)
    path = world.store.path
    world.close()
    before = (_digest(path), path.stat().st_mtime_ns)
    assert read_first_page(path, tq.TODAY, world.clock) is not None
    assert (_digest(path), path.stat().st_mtime_ns) == before


def test_stores_that_must_be_opened_the_full_way_get_none(
        data_dir: Path, services: Services) -> None:
    path = services.store.path
    clock = services.clock
    assert read_first_page(path, INBOX_REF, clock) is None  # before the first-run set-up
    ensure_sample_project(services)
    assert read_first_page(path, INBOX_REF, clock) is not None
    assert read_first_page(path, ViewRef("filter", "p1"), clock) is None  # needs the compiler
    con = sqlite3.connect(path)
    for revision, expected in (("0001", None), ("9999", None)):  # behind: migrate; ahead: refuse
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        con.commit()
        assert read_first_page(path, INBOX_REF, clock) is expected
    con.close()
    missing = data_dir / "elsewhere" / "cadence.sqlite3"
    assert read_first_page(missing, INBOX_REF, clock) is None
    assert not missing.parent.exists()  # nothing created
    empty = data_dir / "empty.sqlite3"
    empty.write_bytes(b"")
    assert read_first_page(empty, INBOX_REF, clock) is None
    corrupt = data_dir / "corrupt.sqlite3"
    corrupt.write_bytes(b"this is not a database" * 100)
    assert read_first_page(corrupt, INBOX_REF, clock) is None
    assert corrupt.read_bytes() == b"this is not a database" * 100


def test_sample_setting_key_is_the_one_the_first_page_looks_for() -> None:
    from app.services import first_page

    assert first_page.SAMPLE_SETTING == SETTING_KEY
    assert paths.DB_FILENAME.endswith(".sqlite3")


def test_importing_it_loads_no_sqlalchemy() -> None:
    code = ("import sys, app.services.first_page, app.models.schema; "
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'app.models.entities', "
            "'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
