"""Quick add into the store: parsing, project lookup/creation, one undo step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.errors import ValidationError
from app.services.capture import UnknownProjectError, capture
from app.services.facade import Services


def test_full_phrase_becomes_a_task(services: Services) -> None:
    home = services.projects.create("Home")
    task = capture(services, "Pay rent tomorrow 9am #home @bills p1 every month ~15m")
    assert task.title == "Pay rent"
    assert task.project_id == home.id and task.project == "Home"  # matched ignoring case
    assert task.tags == ("bills",)
    assert task.priority == 1
    assert task.due_date == date(2026, 11, 29)
    assert task.due_tz == "Europe/Berlin"  # the clock's zone: 09:00 Berlin is 08:00 UTC
    assert task.due_at == datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    assert task.recurrence == "FREQ=MONTHLY"
    assert task.recur_from_completion is False
    assert task.estimate_minutes == 15


def test_plain_text_goes_to_the_inbox_with_defaults(services: Services) -> None:
    task = capture(services, "Buy milk")
    assert (task.title, task.project_id, task.priority) == ("Buy milk", None, 4)
    assert task.due_date is None
    assert task.tags == ()


def test_every_bang_recurs_from_completion(services: Services) -> None:
    task = capture(services, "Water plants every! 3 days")
    assert task.recurrence == "FREQ=DAILY;INTERVAL=3"
    assert task.recur_from_completion is True
    assert task.due_date == date(2026, 11, 28)


def test_a_time_already_past_today_means_tomorrow(services: Services) -> None:
    # The fixed clock says 11:00 in Berlin.
    assert capture(services, "Call Bob 10am").due_date == date(2026, 11, 29)
    assert capture(services, "Call Ann 3pm").due_date == date(2026, 11, 28)


def test_unknown_project_is_refused_and_nothing_is_stored(services: Services) -> None:
    with pytest.raises(UnknownProjectError) as info:
        capture(services, "Fix the fence #Garden")
    assert info.value.name == "Garden"
    assert str(info.value) == 'Unknown project "Garden"'
    assert isinstance(info.value, ValidationError)
    assert services.tasks.reader.select() == []
    assert services.projects.list() == []


def test_create_project_is_one_undo_step_with_the_task(services: Services) -> None:
    task = capture(services, "Fix the fence #Garden", create_project=True)
    garden = services.projects.by_name("garden")
    assert garden is not None and task.project_id == garden.id
    assert services.history.undo_label() == "Add task"
    services.history.undo()
    assert services.projects.list() == []
    assert services.tasks.reader.select() == []
    services.history.redo()
    assert services.tasks.get(task.id).project == "Garden"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "A task needs a title."),
        ("   ", "A task needs a title."),
        ("#Home p1", "A task needs a title."),
        ("Dentist feb 30", 'No such date: "feb 30"'),
    ],
)
def test_bad_input_is_a_validation_error(services: Services, text: str, message: str) -> None:
    services.projects.create("Home")
    with pytest.raises(ValidationError, match=message):
        capture(services, text)
    assert services.tasks.reader.select() == []


def test_subtask_by_parent_id(services: Services) -> None:
    parent = capture(services, "Plan trip")
    child = capture(services, "Book flights", parent_id=parent.id)
    assert child.parent_id == parent.id
    assert services.tasks.get(parent.id).subtasks_total == 1


def test_quoted_words_stay_in_the_title(services: Services) -> None:
    task = capture(services, 'Read "tomorrow" chapter today')
    assert task.title == "Read tomorrow chapter"
    assert task.due_date == date(2026, 11, 28)
