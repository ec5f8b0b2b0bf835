"""The cadence CLI in-process: add, list, show, done, delete, undo/redo, projects, tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import __version__
from app.cli import main
from app.services.clock import Clock
from app.services.task_json import FIELDS
from tests.support.cli import Run, bad, ok


def test_version(cadence: Run) -> None:
    assert ok(cadence("--version")) == f"cadence {__version__}\n"


def test_help_lists_every_command(cadence: Run) -> None:
    out = ok(cadence("--help"))
    for command in ("add", "list", "show", "done", "edit", "delete", "undo", "redo",
                    "projects", "tags", "export", "import"):
        assert command in out


def test_add_prints_the_new_id_and_list_shows_it(cadence: Run) -> None:
    task_id = ok(cadence("add", "Buy", "milk", "@shop", "p2", "tomorrow")).strip()
    assert len(task_id) == 32
    lines = ok(cadence("list")).splitlines()
    assert lines[0].split() == ["ID", "P", "DUE", "TITLE", "PROJECT", "TAGS"]
    assert lines[1].split() == [task_id[:8], "P2", "2026-11-29", "Buy", "milk", "@shop"]


def test_add_json_has_every_field(cadence: Run) -> None:
    out = ok(cadence("add", "Pay rent tomorrow 9am #Home @bills p1 every month ~15m",
                     "--create-project", "--json"))
    task = json.loads(out)
    assert list(task) == list(FIELDS)
    assert task["title"] == "Pay rent" and task["project"] == "Home"
    assert task["due"] == "2026-11-29T09:00:00+01:00" and task["tz"] == "Europe/Berlin"
    assert task["tags"] == ["bills"] and task["priority"] == 1
    assert task["recurrence"] == "FREQ=MONTHLY" and task["estimate_minutes"] == 15
    assert task["created"] == task["updated"] == "2026-11-28T10:00:00.000000+00:00"
    assert task["completed"] is None and task["status"] == "todo"
    assert task["project_id"] and task["parent_id"] is None


def test_add_date_only_due_is_a_date(cadence: Run) -> None:
    task = json.loads(ok(cadence("add", "Dentist", "dec 3", "--json")))
    assert (task["due"], task["tz"]) == ("2026-12-03", None)


def test_add_unknown_project_is_refused(cadence: Run) -> None:
    line = bad(cadence("add", "Fix fence #Home"))
    assert line == 'cadence: Unknown project "Home"; use --create-project to create it'
    assert ok(cadence("list")).count("\n") == 1  # header only: nothing was stored


@pytest.mark.parametrize(("args", "message"), [
    (("add", ""), "cadence: A task needs a title."),
    (("add", "#Home"), "cadence: A task needs a title."),
    (("add", "Dentist feb 30"), 'cadence: No such date: "feb 30"'),
    (("list", "due<"), 'cadence: Bad filter: Missing date after "due<"'),
    (("list", '"open'), "cadence: Bad filter: Unclosed quote at column 1"),
    (("show", "zz!"), "is not a task id"),
    (("show", "abc"), "is not a task id"),
    (("show", "abcdef12"), "cadence: No task with id abcdef12."),
    (("done", "0000"), "cadence: No task with id 0000."),
    (("undo",), "cadence: Nothing to undo."),
    (("redo",), "cadence: Nothing to redo."),
    (("frobnicate",), "cadence: argument COMMAND: invalid choice: 'frobnicate'"),
    (("list", "--bogus"), "cadence: unrecognized arguments: --bogus"),
    (("edit",), "cadence edit: the following arguments are required: ID"),
    (("edit", "abcd", "--priority", "high"), "cadence edit: argument --priority: invalid int"),
])
def test_bad_input_exits_2_with_one_line(cadence: Run, args: tuple[str, ...],
                                        message: str) -> None:
    assert message in bad(cadence(*args))


def test_list_filters_and_all(cadence: Run) -> None:
    ok(cadence("add", "Alpha #Work p1", "--create-project"))
    beta = ok(cadence("add", "Beta @home today")).strip()
    gamma = ok(cadence("add", "Gamma")).strip()
    ok(cadence("done", gamma[:6]))
    titles = [r["title"] for r in json.loads(ok(cadence("list", "--json")))]
    assert titles == ["Beta", "Alpha"]  # dated first, then by priority and position
    assert [r["title"] for r in json.loads(ok(cadence("list", "#work", "--json")))] == ["Alpha"]
    assert [r["id"] for r in json.loads(ok(cadence("list", "@home", "due:today", "--json")))] \
        == [beta]
    assert json.loads(ok(cadence("list", "p3", "--json"))) == []
    every = json.loads(ok(cadence("list", "--all", "--json")))
    assert sorted(r["title"] for r in every) == ["Alpha", "Beta", "Gamma"]
    done = json.loads(ok(cadence("list", "is:done", "--json")))
    assert [r["title"] for r in done] == ["Gamma"]
    assert done[0]["completed"] == "2026-11-28T10:00:00.000000+00:00"
    table = ok(cadence("list", "--all"))
    assert "[x] Gamma" in table and "@home" in table and "Work" in table


def test_list_json_of_nothing_is_an_empty_array(cadence: Run) -> None:
    assert json.loads(ok(cadence("list", "--json"))) == []


def test_show_plain_and_json(cadence: Run) -> None:
    parent = ok(cadence("add", "Plan trip 2026-12-05 14:30 @travel")).strip()
    child = ok(cadence("add", "Book flights", "--parent", parent[:5])).strip()
    ok(cadence("edit", parent[:8], "--notes", "Passports!\nVisa?"))
    ok(cadence("done", child))
    out = ok(cadence("show", parent[:4]))
    assert out.splitlines()[0] == "Plan trip"
    assert "  due       2026-12-05 14:30 (Europe/Berlin)" in out
    assert "  subtasks  1/1 done" in out and "  tags      @travel" in out
    assert out.rstrip().endswith("  Passports!\n  Visa?")
    task = json.loads(ok(cadence("show", parent, "--json")))
    assert (task["subtasks_total"], task["subtasks_done"]) == (1, 1)
    assert json.loads(ok(cadence("show", child, "--json")))["parent_id"] == parent


def test_ambiguous_prefix(cadence: Run, tmp_path: Path) -> None:
    stamp = "2026-11-01T10:00:00.000000Z"
    doc = {"format": "cadence-backup", "version": 1, "tasks": [
        {"id": f"abcd{n}" + "0" * 27, "ics_uid": str(n), "title": f"T{n}",
         "created_at": stamp, "updated_at": stamp} for n in (1, 2)]}
    path = tmp_path / "two.json"
    path.write_text(json.dumps(doc))
    ok(cadence("import", str(path)))
    assert 'Task id "abcd" is ambiguous' in bad(cadence("show", "abcd"))
    assert ok(cadence("show", "ABCD1")).startswith("T1\n")  # case does not matter


def test_done_completes_and_recurring_comes_back(cadence: Run) -> None:
    task_id = ok(cadence("add", "Water plants every day")).strip()
    assert ok(cadence("done", task_id[:8])) == f"Completed {task_id[:8]} Water plants\n"
    listed = json.loads(ok(cadence("list", "--json")))
    assert [(r["title"], r["due"]) for r in listed] == [("Water plants", "2026-11-29")]
    assert listed[0]["id"] != task_id


def test_delete_counts_subtasks_and_undo_redo(cadence: Run) -> None:
    parent = ok(cadence("add", "Parent")).strip()
    ok(cadence("add", "Child", "--parent", parent))
    other = ok(cadence("add", "Other")).strip()
    assert ok(cadence("delete", parent[:6])) == "Deleted 2 tasks.\n"
    assert ok(cadence("list")).count("\n") == 2
    assert ok(cadence("undo")) == "Undone: Delete task\n"
    assert ok(cadence("list")).count("\n") == 4
    assert ok(cadence("redo")) == "Redone: Delete task\n"
    assert ok(cadence("delete", other)) == "Deleted 1 task.\n"
    assert ok(cadence("list")).count("\n") == 1


def test_bad_id_among_many_changes_nothing(cadence: Run) -> None:
    first = ok(cadence("add", "First")).strip()
    bad(cadence("done", first, "ffff"))
    bad(cadence("delete", first, "ffff"))
    assert json.loads(ok(cadence("show", first, "--json")))["status"] == "todo"


def test_projects_and_tags(cadence: Run) -> None:
    ok(cadence("add", "A #Home @x @Y", "--create-project"))
    ok(cadence("add", "B #Home @y"))
    projects = json.loads(ok(cadence("projects", "--json")))
    assert [(p["name"], p["open_tasks"]) for p in projects] == [("Home", 2)]
    assert ok(cadence("projects")).splitlines()[1].split()[1:] == ["Home", "2"]
    tags = json.loads(ok(cadence("tags", "--json")))
    assert [(t["name"], t["open_tasks"]) for t in tags] == [("x", 1), ("Y", 2)]
    assert [line.split()[1] for line in ok(cadence("tags")).splitlines()[1:]] == ["@x", "@Y"]


def test_nested_projects_are_indented(data_dir: Path, clock: Clock, cadence: Run) -> None:
    from app.services.facade import Services

    services = Services.open(data_dir, clock=clock)
    try:
        home = services.projects.create("Home")
        services.projects.create("Garden", parent_id=home.id)
        services.projects.create("Work")
    finally:
        services.close()
    lines = ok(cadence("projects")).splitlines()[1:]
    names = [line[10:].rsplit(None, 1)[0].rstrip() for line in lines]
    assert names == ["Home", "  Garden", "Work"]


def test_data_dir_after_the_command(data_dir: Path, clock: Clock, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "elsewhere"
    assert main(["add", "Here", "--data-dir", str(other)], clock=clock) == 0
    assert main(["list", "--json", "--data-dir", str(other)], clock=clock) == 0
    out = capsys.readouterr().out
    assert '"title": "Here"' in out
    assert (other / "cadence.sqlite3").exists() and not (data_dir / "cadence.sqlite3").exists()


def test_data_dir_from_the_environment(tmp_path: Path, clock: Clock,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CADENCE_DATA_DIR", str(tmp_path / "env"))
    assert main(["add", "From env"], clock=clock) == 0
    assert (tmp_path / "env" / "cadence.sqlite3").exists()
    capsys.readouterr()
