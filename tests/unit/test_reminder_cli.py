"""`cadence reminders --json` and `cadence remind ID --at T|--before 15m`."""

from __future__ import annotations

import json
from datetime import datetime

from tests.support.cli import Run, bad, ok


def test_remind_and_list_as_json(cadence: Run) -> None:
    added = json.loads(ok(cadence("add", "Pay rent tomorrow 9am", "--json")))
    task = added["id"]
    assert ok(cadence("remind", task[:6], "--before", "1h")).startswith(
        "Reminder 1 h before: Pay rent")
    ok(cadence("remind", task, "--at", "2026-11-28T18:00"))
    ok(cadence("remind", task, "--at", "tomorrow 7am"))
    listed = json.loads(ok(cadence("reminders", "--json")))
    assert listed == [
        {"item_id": task, "title": "Pay rent", "occurrence": "2026-11-28T18:00:00+01:00",
         "trigger": "2026-11-28T18:00:00+01:00"},
        {"item_id": task, "title": "Pay rent", "occurrence": "2026-11-29T07:00:00+01:00",
         "trigger": "2026-11-29T07:00:00+01:00"},
        {"item_id": task, "title": "Pay rent", "occurrence": "2026-11-29T09:00:00+01:00",
         "trigger": "2026-11-29T08:00:00+01:00"},
    ]
    for row in listed:
        datetime.fromisoformat(row["trigger"])  # ISO 8601 with an offset
    text = ok(cadence("reminders"))
    assert text.splitlines()[0].split() == ["WHEN", "KIND", "ID", "TITLE"]
    assert "Sat 28 Nov 18:00  task" in text


def test_remind_mistakes_are_one_line(cadence: Run) -> None:
    task = json.loads(ok(cadence("add", "No due yet", "--json")))["id"]
    assert "has no due date" in bad(cadence("remind", task, "--before", "15m"))
    assert "has already passed" in bad(cadence("remind", task, "--at", "2026-11-27T09:00"))
    assert "Cannot read" in bad(cadence("remind", task, "--at", "whenever"))
    assert "expected e.g." in bad(cadence("remind", task, "--before", "soonish"))
    assert "No task with id" in bad(cadence("remind", "abcdef12", "--at", "18:00"))
    assert "one of the arguments" in bad(cadence("remind", task))
    assert ok(cadence("reminders")) == "No reminders in the next 7 days.\n"
    assert json.loads(ok(cadence("reminders", "--json"))) == []
