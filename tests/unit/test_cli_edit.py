"""cadence edit: every option, clearing with none, bad values, one undo step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.services.clock import Clock


class Cli:
    def __init__(self, data_dir: Path, clock: Clock, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir, self.clock, self.capsys = data_dir, clock, capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(self.data_dir), *args], clock=self.clock)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert (code, err) == (0, ""), err
        return out

    def bad(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert (code, out, err.count("\n")) == (2, "", 1), (code, out, err)
        return err.strip()

    def task(self, task_id: str) -> dict[str, Any]:
        return dict(json.loads(self.ok("show", task_id, "--json")))


@pytest.fixture
def cli(data_dir: Path, clock: Clock, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(data_dir, clock, capsys)


@pytest.fixture
def task_id(cli: Cli) -> str:
    cli.ok("add", "Draft #Work", "--create-project")
    return cli.ok("add", "Report p3 dec 1 @old").strip()


def test_every_field(cli: Cli, task_id: str) -> None:
    out = cli.ok("edit", task_id[:6], "--title", "Quarterly report", "--notes", "with charts",
                 "--due", "2026-12-02T14:30", "--tz", "America/New_York", "--priority", "1",
                 "--project", "work", "--tags", "finance, @Q4", "--status", "in-progress",
                 "--estimate", "90", "--recurrence", "FREQ=WEEKLY;BYDAY=MO")
    assert out == f"Updated {task_id[:8]} Quarterly report\n"
    task = cli.task(task_id)
    assert task["title"] == "Quarterly report" and task["notes"] == "with charts"
    assert task["due"] == "2026-12-02T14:30:00-05:00" and task["tz"] == "America/New_York"
    assert task["priority"] == 1 and task["project"] == "Work"
    assert task["tags"] == ["finance", "Q4"] and task["status"] == "in_progress"
    assert task["estimate_minutes"] == 90 and task["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
    # All of it was one action.
    assert cli.ok("undo") == "Undone: Edit task\n"
    task = cli.task(task_id)
    assert (task["title"], task["due"], task["tags"], task["project"]) == (
        "Report", "2026-12-01", ["old"], None)


def test_clearing_with_none(cli: Cli, task_id: str) -> None:
    cli.ok("edit", task_id, "--project", "Work", "--estimate", "30",
           "--recurrence", "every month")
    cli.ok("edit", task_id, "--due", "none", "--project", "none", "--estimate", "none",
           "--recurrence", "none", "--tags", "")
    task = cli.task(task_id)
    assert (task["due"], task["project"], task["estimate_minutes"], task["recurrence"],
            task["tags"]) == (None, None, None, None, [])


def test_due_in_words_and_instants(cli: Cli, task_id: str) -> None:
    cli.ok("edit", task_id, "--due", "tomorrow 9am")
    assert cli.task(task_id)["due"] == "2026-11-29T09:00:00+01:00"
    cli.ok("edit", task_id, "--due", "2026-12-24")
    assert (cli.task(task_id)["due"], cli.task(task_id)["tz"]) == ("2026-12-24", None)
    cli.ok("edit", task_id, "--due", "2026-12-24T08:00:00+00:00")  # an instant: local zone
    assert cli.task(task_id)["due"] == "2026-12-24T09:00:00+01:00"
    cli.ok("edit", task_id, "--tz", "Asia/Tokyo")  # same wall time, other zone
    assert cli.task(task_id)["due"] == "2026-12-24T09:00:00+09:00"


def test_recurrence_in_words(cli: Cli, task_id: str) -> None:
    cli.ok("edit", task_id, "--recurrence", "every! 2 weeks")
    task = cli.task(task_id)
    assert task["recurrence"] == "FREQ=WEEKLY;INTERVAL=2" and task["recur_from_completion"]


@pytest.mark.parametrize(("args", "message"), [
    ((), "cadence: Nothing to change; give at least one option such as --title."),
    (("--title", "  "), "cadence: A task needs a title."),
    (("--due", "2026-02-30"), 'cadence: No such date: "2026-02-30".'),
    (("--due", "feb 30"), 'cadence: No such date: "feb 30"'),
    (("--due", "whenever"), 'cadence: Cannot read the due date "whenever"'),
    (("--priority", "9"), "cadence: Priority must be 1 (highest) to 4, not 9."),
    (("--project", "Nowhere"), 'cadence: Unknown project "Nowhere".'),
    (("--status", "finished"), "cadence: Unknown status 'finished'"),
    (("--estimate", "-5"), "cadence: An estimate must be a positive number of minutes."),
    (("--estimate", "soon"), "cadence edit: argument --estimate: not a number of minutes"),
    (("--recurrence", "FREQ=SOMETIMES"), "cadence: Not a valid recurrence rule"),
    (("--recurrence", "every blue moon"), "cadence: Cannot read the repeat rule"),
    (("--tz", "Mars/Base"), "cadence: Unknown time zone 'Mars/Base'."),
    (("--due", "2026-12-01T09:00", "--tz", "Mars/Base"), "cadence: Unknown time zone"),
    (("--parent", "ffff"), "cadence: No task with id ffff."),
])
def test_bad_values(cli: Cli, task_id: str, args: tuple[str, ...], message: str) -> None:
    before = cli.task(task_id)
    assert message in cli.bad("edit", task_id, *args)
    assert cli.task(task_id) == before


def test_parent_by_prefix_and_the_cycle_check(cli: Cli, task_id: str) -> None:
    child = cli.ok("add", "Child").strip()
    cli.ok("edit", child, "--parent", task_id[:5])
    assert cli.task(child)["parent_id"] == task_id
    assert "cannot become a subtask of itself" in cli.bad("edit", task_id, "--parent", child)
    cli.ok("edit", child, "--parent", "none")
    assert cli.task(child)["parent_id"] is None


def test_status_done_spawns_the_next_occurrence(cli: Cli, task_id: str) -> None:
    cli.ok("edit", task_id, "--recurrence", "FREQ=WEEKLY")
    cli.ok("edit", task_id, "--status", "done")
    listed = json.loads(cli.ok("list", "report", "--json"))
    assert [(t["title"], t["due"]) for t in listed] == [("Report", "2026-12-08")]
