"""Manual time entries: add/edit/delete/split/merge/move, bad input and overlap rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.errors import ConflictError, NotFoundError, ValidationError
from app.services.facade import Services
from app.services.tasks import TaskFields
from app.services.time_edits import EntryFields
from app.services.time_tracking import TimeTracking

DAY = datetime(2026, 11, 27, tzinfo=UTC)  # the day before the fixed clock


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


@pytest.fixture
def tt(services: Services) -> TimeTracking:
    return TimeTracking.of(services)


@pytest.fixture
def task(services: Services) -> str:
    return services.tasks.create(TaskFields(title="Write")).id


@pytest.fixture
def other(services: Services) -> str:
    return services.tasks.create(TaskFields(title="Read")).id


def spans(tt: TimeTracking) -> list[tuple[str, datetime, datetime | None]]:
    rows = tt.sheet.entries(DAY.date() - timedelta(days=1), DAY.date() + timedelta(days=2))
    return [(e.task_title, e.start, e.end) for e in rows]


def test_add_then_edit_note_billable_and_times(tt, task):
    e = tt.entries.add(task, at(9), at(10), note="  draft ", billable=True)
    assert (e.start, e.end, e.note, e.billable, e.source) == (at(9), at(10), "draft", True,
                                                              "manual")
    e2 = tt.entries.edit(e.id, EntryFields(end=at(10.5), note="final", billable=False))
    assert (e2.end, e2.note, e2.billable) == (at(10.5), "final", False)


@pytest.mark.parametrize(("start", "end", "message"), [
    (at(10), at(9), "is before the start"),
    (at(9), at(9), "at least one second"),
    (at(9), datetime(2026, 11, 28, 12, tzinfo=UTC), "cannot end in the future"),
    (datetime(2026, 11, 29, 9, tzinfo=UTC), datetime(2026, 11, 29, 10, tzinfo=UTC),
     "cannot start in the future"),
    (at(-1000), at(0), "at most 999 hours"),
])
def test_bad_intervals_are_refused_and_nothing_is_stored(tt, task, start, end, message):
    with pytest.raises(ValidationError, match=message):
        tt.entries.add(task, start, end)
    assert spans(tt) == []


def test_naive_times_are_refused(tt, task):
    with pytest.raises(ValidationError, match="without a zone"):
        tt.entries.add(task, datetime(2026, 11, 27, 9), datetime(2026, 11, 27, 10))


def test_adding_to_a_deleted_task_is_refused(services, tt, task):
    services.tasks.delete(task)
    with pytest.raises(ValidationError, match="deleted"):
        tt.entries.add(task, at(9), at(10))


def test_overlap_is_refused_with_a_message_naming_the_other_entry(tt, task, other):
    tt.entries.add(task, at(9), at(10))
    with pytest.raises(ConflictError) as info:
        tt.entries.add(other, at(9.5), at(11))
    assert "Overlaps “Write” Fri 27 Nov 2026 10:00:00–11:00:00" in str(info.value)  # Berlin
    assert "\n" not in str(info.value)
    assert spans(tt) == [("Write", at(9), at(10))]


def test_touching_entries_do_not_overlap(tt, task, other):
    tt.entries.add(task, at(9), at(10))
    tt.entries.add(other, at(10), at(11))
    tt.entries.add(other, at(8), at(9))
    assert len(spans(tt)) == 3


def test_trim_cuts_the_overlapped_parts_of_other_entries(tt, task, other):
    tt.entries.add(task, at(8), at(9))     # partly covered at its end
    tt.entries.add(task, at(9.25), at(9.5))  # fully covered: removed
    tt.entries.add(task, at(9.75), at(11))  # partly covered at its start
    tt.entries.add(other, at(8.5), at(10), trim=True)
    assert spans(tt) == [("Write", at(8), at(8.5)), ("Read", at(8.5), at(10)),
                         ("Write", at(10), at(11))]


def test_trim_inside_an_entry_cuts_it_in_two(tt, task, other):
    tt.entries.add(task, at(8), at(12))
    tt.entries.add(other, at(9), at(10), trim=True)
    assert spans(tt) == [("Write", at(8), at(9)), ("Read", at(9), at(10)),
                         ("Write", at(10), at(12))]


def test_trim_around_the_running_timer_keeps_it_running_after(services, tt, task, other,
                                                              clock):
    clock.fixed = at(8)
    tt.timer.start(task)
    clock.fixed = at(12)
    tt.entries.add(other, at(9), at(10), trim=True)
    assert spans(tt) == [("Write", at(8), at(9)), ("Read", at(9), at(10)),
                         ("Write", at(10), None)]
    assert tt.timer.status().elapsed == 2 * 3600


def test_adding_over_the_running_timer_without_trim_is_refused(tt, task, other, clock):
    clock.fixed = at(8)
    tt.timer.start(task)
    clock.fixed = at(12)
    with pytest.raises(ConflictError, match="–now"):
        tt.entries.add(other, at(9), at(10))


def test_edit_refuses_overlap_and_can_trim(tt, task, other):
    a = tt.entries.add(task, at(9), at(10))
    tt.entries.add(other, at(10), at(11))
    with pytest.raises(ConflictError):
        tt.entries.edit(a.id, EntryFields(end=at(10.5)))
    tt.entries.edit(a.id, EntryFields(end=at(10.5)), trim=True)
    assert spans(tt) == [("Write", at(9), at(10.5)), ("Read", at(10.5), at(11))]


def test_split_and_merge_round_trip(tt, task):
    e = tt.entries.add(task, at(9), at(11), note="n")
    first, second = tt.entries.split(e.id, at(10))
    assert (first.start, first.end, second.start, second.end) == (at(9), at(10), at(10), at(11))
    assert second.note == "n"
    merged = tt.entries.merge(second.id, first.id)  # order does not matter
    assert (merged.id, merged.start, merged.end, merged.note) == (e.id, at(9), at(11), "n")
    assert len(spans(tt)) == 1


@pytest.mark.parametrize("when", [at(9), at(8), at(11), at(12)])
def test_split_outside_the_entry_is_refused(tt, task, when):
    e = tt.entries.add(task, at(9), at(11))
    with pytest.raises(ValidationError, match="Split at a time inside"):
        tt.entries.split(e.id, when)


def test_split_the_running_entry_keeps_the_second_part_running(tt, task, clock):
    clock.fixed = at(8)
    tt.timer.start(task)
    clock.fixed = at(10)
    first, second = tt.entries.split(tt.timer.status().entry.id, at(9))
    assert first.end == at(9) and second.running and second.start == at(9)
    assert tt.timer.status().entry.id == second.id


def test_merge_only_neighbours(tt, task, other):
    a = tt.entries.add(task, at(8), at(9))
    tt.entries.add(other, at(9.5), at(9.75))
    c = tt.entries.add(task, at(10), at(11))
    with pytest.raises(ValidationError, match="neighbouring"):
        tt.entries.merge(a.id, c.id)
    with pytest.raises(ValidationError, match="two different"):
        tt.entries.merge(a.id, a.id)


def test_merge_across_a_gap_covers_it_and_keeps_the_earlier_task(tt, task, other):
    a = tt.entries.add(task, at(8), at(9), note="one")
    b = tt.entries.add(other, at(9.5), at(10), note="two")
    merged = tt.entries.merge(a.id, b.id)
    assert (merged.task_title, merged.start, merged.end, merged.note) == (
        "Write", at(8), at(10), "one\ntwo")


def test_move_and_delete_then_undo(services, tt, task, other):
    e = tt.entries.add(task, at(9), at(10))
    tt.entries.move(e.id, other)
    assert tt.entries.get(e.id).task_title == "Read"
    tt.entries.delete(e.id)
    with pytest.raises(NotFoundError):
        tt.entries.get(e.id)
    assert services.history.undo() == "Delete time entry"
    assert tt.entries.get(e.id).task_title == "Read"
    assert services.history.undo() == "Move time entry"
    assert tt.entries.get(e.id).task_title == "Write"
    assert services.history.redo() == "Move time entry"
    assert tt.entries.get(e.id).task_title == "Read"


def test_undo_of_a_trimmed_add_restores_the_others(services, tt, task, other):
    tt.entries.add(task, at(8), at(12))
    tt.entries.add(other, at(9), at(10), trim=True)
    assert services.history.undo() == "Add time entry"
    assert spans(tt) == [("Write", at(8), at(12))]


def test_move_to_a_deleted_task_is_refused(services, tt, task, other):
    e = tt.entries.add(task, at(9), at(10))
    services.tasks.delete(other)
    with pytest.raises(ValidationError, match="deleted"):
        tt.entries.move(e.id, other)
    assert tt.entries.get(e.id).task_title == "Write"


def test_editing_a_closed_entry_into_a_second_running_one_is_refused(tt, task, other, clock):
    e = tt.entries.add(task, at(9), at(10))
    clock.fixed = at(20)
    tt.timer.start(other)
    with pytest.raises(ConflictError, match="Another timer is running"):
        tt.entries.edit(e.id, EntryFields(end=None))
    assert tt.entries.get(e.id).end == at(10)
