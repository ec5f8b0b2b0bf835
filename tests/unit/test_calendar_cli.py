"""The calendar on the command line: import, export, agenda, calendars, subscribe, refresh."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import icalendar
import pytest

from app.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"


def run(clock: Any, data_dir: Path, capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args], clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


def test_import_several_files_one_line_each(clock: Any, data_dir: Path, capsys: Any) -> None:
    code, out, err = run(clock, data_dir, capsys, "import", str(FIXTURES / "basic.ics"),
                         str(FIXTURES / "html_page.ics"), str(FIXTURES / "todos.ics"),
                         "--calendar", "Home")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "basic.ics -> Home: 8 added, 0 updated, 0 unchanged",
        "html_page.ics: not imported: This is a web page (HTML), not an iCalendar file.",
        "todos.ics -> Home: 0 added, 0 updated, 0 unchanged, 4 tasks",
    ]
    code, out, _ = run(clock, data_dir, capsys, "import", str(FIXTURES / "basic.ics"),
                       "--calendar", "Home")
    assert out.strip() == "basic.ics -> Home: 0 added, 0 updated, 8 unchanged"


def test_agenda_json_has_what_scripts_need(clock: Any, data_dir: Path, capsys: Any) -> None:
    run(clock, data_dir, capsys, "import", str(FIXTURES / "basic.ics"),
        str(FIXTURES / "recurring.ics"))
    code, out, _ = run(clock, data_dir, capsys, "agenda", "--from", "2026-12-01", "--to",
                       "2026-12-03", "--json", "--tz", "Europe/Berlin")
    assert code == 0
    rows = json.loads(out)
    by_title = {r["title"]: r for r in rows}
    dentist = by_title["Dentist, Dr. Weiß"]
    assert dentist["start"] == "2026-12-01T09:30:00+01:00"
    assert (dentist["tz"], dentist["all_day"], dentist["calendar"]) == (
        "Europe/Berlin", False, "Basics")
    assert dentist["recurrence_id"] is None and dentist["uid"] == "zoned-1@tests"
    holiday = by_title["Holiday"]
    assert (holiday["start"], holiday["end"], holiday["all_day"], holiday["tz"]) == (
        "2026-12-03", "2026-12-04", True, None)
    weekly = by_title["Weekly review"]
    assert weekly["recurrence_id"] == "20261202T090000Z" and weekly["event_id"]
    tokyo = by_title["Call with Tokyo"]
    assert (tokyo["start"], tokyo["tz"]) == ("2026-12-02T14:00:00+00:00", "UTC")
    code, out, _ = run(clock, data_dir, capsys, "agenda", "--from", "2026-12-02", "--to",
                       "2026-12-02", "--tz", "Europe/Berlin")
    assert out.splitlines()[0].split() == ["DATE", "TIME", "TITLE", "CALENDAR"]
    assert "Wed 2026-12-02  10:00-11:00  Weekly review" in out


def test_agenda_errors_are_one_line(clock: Any, data_dir: Path, capsys: Any) -> None:
    code, _, err = run(clock, data_dir, capsys, "agenda", "--from", "tomorrowish")
    assert code == 2 and err.startswith('cadence: "tomorrowish" is not a date')
    code, _, err = run(clock, data_dir, capsys, "agenda", "--tz", "Mars/Base")
    assert code == 2 and "Unknown time zone" in err
    code, _, err = run(clock, data_dir, capsys, "agenda", "--from", "2026-12-05", "--to",
                       "2026-12-01")
    assert code == 2 and "--to is before --from" in err
    code, out, _ = run(clock, data_dir, capsys, "agenda")
    assert out.startswith("No events from 2026-11-28 to 2026-12-04")


def test_export_a_calendar_and_a_range(clock: Any, data_dir: Path, capsys: Any,
                                       tmp_path: Path) -> None:
    run(clock, data_dir, capsys, "import", str(FIXTURES / "recurring.ics"), "--calendar", "Work")
    target = tmp_path / "work.ics"
    code, out, _ = run(clock, data_dir, capsys, "export", "--calendar", "Work", str(target))
    assert (code, out.strip()) == (0, f"Exported 8 events from Work to {target}.")
    assert len(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")) == 8
    code, out, _ = run(clock, data_dir, capsys, "export", "--calendar", "Work", "--from",
                       "2027-02-01", "--to", "2027-02-28", "-", "--format", "ics")
    assert code == 0 and out.count("BEGIN:VEVENT") == 1 and "Pay rent" in out
    code, _, err = run(clock, data_dir, capsys, "export", str(tmp_path / "x.ics"))
    assert code == 2 and "needs --calendar" in err
    code, _, err = run(clock, data_dir, capsys, "export", "--calendar", "Nope",
                       str(tmp_path / "x.ics"))
    assert code == 2 and "No calendar named 'Nope'" in err


class _Feed(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path != "/feed.ics":
            self.send_response(404)
            self.end_headers()
            return
        body = (FIXTURES / "refresh.ics").read_bytes()
        self.send_response(200)
        self.send_header("ETag", '"v1"')
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_subscribe_refresh_and_list_calendars(clock: Any, data_dir: Path, capsys: Any,
                                              server: str) -> None:
    code, out, _ = run(clock, data_dir, capsys, "subscribe", f"{server}/feed.ics", "--name",
                       "Feed")
    assert (code, out.strip()) == (0, "Feed -> Feed: 2 added, 0 updated, 0 unchanged")
    code, out, _ = run(clock, data_dir, capsys, "subscribe", f"{server}/gone.ics", "--name",
                       "Gone")
    assert code == 1 and "was not found (404)" in out
    code, out, _ = run(clock, data_dir, capsys, "refresh", "Feed")
    assert (code, out.strip()) == (0, "Feed: unchanged")
    code, out, _ = run(clock, data_dir, capsys, "calendars", "--json")
    cals = {c["name"]: c for c in json.loads(out)}
    assert cals["Feed"]["events"] == 2 and cals["Feed"]["refresh_minutes"] == 15
    assert cals["Feed"]["read_only"] and "404" in cals["Gone"]["last_error"]
    code, out, _ = run(clock, data_dir, capsys, "calendars")
    assert "Feed  2       subscription" in out
    code, _, err = run(clock, data_dir, capsys, "refresh", "Nothing")
    assert code == 2 and "No subscribed calendar named nothing" in err
    code, _, err = run(clock, data_dir, capsys, "subscribe", "ftp://x/y.ics", "--name", "F")
    assert code == 2 and "Not a calendar address" in err


def test_selected_tasks_export_as_vtodos_and_come_back(
    clock: Any, data_dir: Path, tmp_path: Path, capsys: Any
) -> None:
    run(clock, data_dir, capsys, "add", "Pay rent tomorrow 9am #Home @bills p1 every month",
        "--create-project")
    code, out, _ = run(clock, data_dir, capsys, "add", "Buy milk @errands")
    milk = out.strip()
    target = tmp_path / "tasks.ics"
    code, out, err = run(clock, data_dir, capsys, "export", "--tasks", "#Home", "--task", milk,
                         str(target))
    assert (code, err) == (0, "")
    assert out.strip() == f"Exported 2 tasks to {target}."
    todos = {str(c["SUMMARY"]): c for c in icalendar.Calendar.from_ical(target.read_bytes())
             .walk("VTODO")}
    assert set(todos) == {"Pay rent", "Buy milk"}
    assert str(todos["Pay rent"]["RRULE"].to_ical().decode()) == "FREQ=MONTHLY"
    assert todos["Pay rent"]["PRIORITY"] == 1
    other = tmp_path / "other"
    code, out, _ = run(clock, other, capsys, "import", str(target))
    assert code == 0 and "2 tasks" in out
    code, out, _ = run(clock, other, capsys, "list", "--json")
    back = {t["title"]: t for t in json.loads(out)}
    assert back["Pay rent"]["priority"] == 1 and back["Pay rent"]["tags"] == ["bills"]
    assert back["Pay rent"]["due"] == "2026-11-29T09:00:00+01:00"
    assert back["Buy milk"]["tags"] == ["errands"]


def test_ics_export_needs_something_to_export(clock: Any, data_dir: Path, capsys: Any) -> None:
    code, _, err = run(clock, data_dir, capsys, "export", "--format", "ics", "-")
    assert code == 2
    assert err.strip() == (
        "cadence: Exporting ICS needs --calendar NAME, --tasks FILTER or --task ID.")
