"""Importing ICS files: events, zones, recurrences, to-dos, bad input, re-import in place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.models.calendar import Event, Occurrence
from app.services.calendar_dto import OccurrenceDTO
from app.services.ics_import import ImportCancelled
from app.services.uow import read

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def imp(services: Any, name: str, **kw: Any) -> Any:
    return services.calendar.ics.import_file(FIXTURES / name, **kw)


def occurrences(services: Any, first: date, last: date, tz: str = "Europe/Berlin"
                ) -> list[OccurrenceDTO]:
    return services.calendar.query.agenda(first, last, tz=tz)


def by_uid(services: Any, uid: str) -> list[OccurrenceDTO]:
    found = occurrences(services, date(2024, 12, 1), date(2029, 10, 1))
    return [o for o in found if o.uid == uid]


def event(services: Any, uid: str) -> Event:
    with read(services.store) as s:
        ev = s.scalar(select(Event).where(Event.uid == uid, Event.recurrence_id.is_(None)))
        assert ev is not None
        return ev


def count(services: Any, model: Any) -> int:
    with read(services.store) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def local(o: OccurrenceDTO, tz: ZoneInfo = BERLIN) -> str:
    return o.local_start(tz).strftime("%m-%d %H:%M")


def test_basic_events_keep_their_fields(services: Any) -> None:
    summary = imp(services, "basic.ics")
    assert (summary.added, summary.calendar, summary.skipped) == (8, "Basics", [])
    zoned = event(services, "zoned-1@tests")
    assert zoned.summary == "Dentist, Dr. Weiß"
    assert zoned.description == "Bring the card\nand the form; signed."
    assert (zoned.tzid, zoned.status, zoned.sequence) == ("Europe/Berlin", "tentative", 2)
    assert zoned.start_utc == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    assert "X-CUSTOM-FIELD" in zoned.raw_ics and "BEGIN:VALARM" in zoned.raw_ics
    assert event(services, "utc-1@tests").tzid == "UTC"
    allday = event(services, "allday-1@tests")
    assert (allday.all_day, allday.start_date, allday.end_date) == (
        True, date(2026, 12, 3), date(2026, 12, 4))
    assert event(services, "allday-noend@tests").end_date == date(2026, 12, 10)
    floating = event(services, "floating-1@tests")
    assert floating.floating and floating.tzid is None
    duration = event(services, "duration-1@tests")
    assert duration.end_utc == datetime(2026, 12, 4, 13, 30, tzinfo=UTC)
    noend = event(services, "noend-1@tests")
    assert noend.start_utc == noend.end_utc


def test_floating_and_all_day_follow_the_display_zone(services: Any) -> None:
    imp(services, "basic.ics")
    [run] = by_uid(services, "floating-1@tests")
    assert run.floating and run.start == datetime(2026, 12, 4, 8, 0)
    ny_day = services.calendar.query.agenda(date(2026, 12, 4), date(2026, 12, 4),
                                            tz="America/New_York")
    titles = {o.title: o for o in ny_day}
    assert titles["Morning run"].local_start(NEW_YORK).hour == 8  # same wall time in NY
    assert "Workshop" in titles  # 13:00 Berlin = 07:00 New York, same day
    [conference] = by_uid(services, "multiday-1@tests")
    assert (conference.start, conference.end) == (date(2026, 12, 5), date(2026, 12, 8))


def test_x_wr_timezone_turns_utc_and_floating_times_into_zoned_ones(services: Any) -> None:
    assert imp(services, "google_xwr.ics").added == 3
    weekly = by_uid(services, "weekly-utc@tests.google")
    # 07:00Z is 09:00 in Berlin on 19 October (CEST); the series keeps 09:00 after the
    # change back to CET on 25 October, which is 08:00Z.
    assert [local(o) for o in weekly] == ["10-19 09:00", "10-26 09:00", "11-02 09:00",
                                          "11-09 09:00"]
    assert weekly[1].start == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert event(services, "floating-xwr@tests.google").tzid == "Europe/Berlin"
    assert by_uid(services, "allday-xwr@tests.google")[0].all_day


def test_windows_and_custom_time_zones(services: Any) -> None:
    summary = imp(services, "outlook_windows.ics")
    assert summary.added == 4
    assert event(services, "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5@tests"
                 ).tzid == "Europe/Berlin"
    assert event(services, "outlook-ny@tests").tzid == "America/New_York"
    assert event(services, "outlook-pst@tests").tzid == "America/Los_Angeles"
    odd = event(services, "outlook-custom@tests")
    assert odd.tzid == "UTC" and odd.start_utc == datetime(2026, 12, 9, 6, 23, tzinfo=UTC)
    assert [w.reason for w in summary.warnings] == [
        "time zone 'Customized Time Zone' has no IANA equivalent: stored in UTC"]


def test_tzids_without_vtimezone(services: Any) -> None:
    summary = imp(services, "tzid_no_vtimezone.ics")
    assert summary.added == 4
    assert event(services, "ny-novtz@tests").start_utc == datetime(2026, 12, 11, 14, tzinfo=UTC)
    assert event(services, "mozilla-prefix@tests").tzid == "Europe/Lisbon"
    assert event(services, "lowercase-zone@tests").tzid == "Europe/Lisbon"
    unknown = event(services, "unknown-zone@tests")
    assert unknown.floating
    assert "unknown time zone 'Mars/Olympus_Mons'" in summary.warnings[0].reason


def test_recurrences_overrides_exdates_rdates_and_this_and_future(services: Any) -> None:
    assert imp(services, "recurring.ics").added == 8
    weekly = by_uid(services, "series-override@tests")
    assert [(local(o), o.title) for o in weekly] == [
        ("12-02 10:00", "Weekly review"),
        ("12-09 14:30", "Weekly review (moved to the afternoon)"),
        ("12-19 12:00", "Weekly review"),  # RDATE; 16th is an EXDATE, 23rd cancelled
        ("12-30 10:00", "Weekly review"),
        ("01-06 10:00", "Weekly review"),
    ]
    moved = weekly[1]
    assert moved.recurrence_id == moved.instance == "20261209T090000Z"
    daily = by_uid(services, "future@tests")
    assert [local(o)[-5:] for o in daily] == ["08:00"] * 4 + ["09:00"] * 4
    assert daily[-1].title == "Daily plan (later from the 5th)"
    assert daily[-1].instance == "20261208T070000Z"  # the original start of that instance
    assert [o.title for o in by_uid(services, "orphan@tests")] == [
        "Override whose series is elsewhere"]
    rent = by_uid(services, "allday-series@tests")
    assert [o.start for o in rent] == [date(2026, 12, 1), date(2027, 2, 1), date(2027, 3, 1)]
    office = by_uid(services, "rdate-period@tests")
    assert [(o.start.day, int((o.end - o.start).total_seconds() // 60))  # type: ignore[operator, union-attr]
            for o in office] == [(1, 60), (3, 120), (4, 30)]


def _oracle(path: Path, first: datetime, last: datetime) -> set[tuple[str, datetime]]:
    import icalendar
    import recurring_ical_events

    cal = icalendar.Calendar.from_ical(path.read_bytes())
    out = set()
    for comp in recurring_ical_events.of(cal).between(first, last):
        if comp.get("STATUS") == "CANCELLED" and comp.get("RECURRENCE-ID"):
            continue
        start = comp["DTSTART"].dt
        if isinstance(start, datetime):
            start = start.astimezone(UTC) if start.tzinfo else start
        out.add((str(comp["UID"]), start))
    return out


@pytest.mark.parametrize("name", ["recurring.ics", "dst.ics", "google_xwr.ics", "basic.ics"])
def test_expansion_matches_recurring_ical_events(services: Any, name: str) -> None:
    imp(services, name)
    first = datetime(2025, 1, 1, tzinfo=UTC)
    last = datetime(2028, 1, 1, tzinfo=UTC)
    ours = set()
    for o in services.calendar.query.occurrences(first, last, tz="UTC"):
        start = o.start
        if isinstance(start, datetime) and start.tzinfo is not None:
            start = start.astimezone(UTC)
        ours.add((o.uid, start))
    assert ours == _oracle(FIXTURES / name, first, last)


def test_reimport_updates_in_place_and_never_duplicates(services: Any, tmp_path: Path) -> None:
    first = imp(services, "recurring.ics")
    rows = count(services, Occurrence)
    again = imp(services, "recurring.ics")
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.added)
    assert count(services, Occurrence) == rows
    changed = tmp_path / "recurring.ics"
    changed.write_bytes((FIXTURES / "recurring.ics").read_bytes().replace(
        b"SUMMARY:Pay rent", b"SUMMARY:Pay the rent"))
    third = services.calendar.ics.import_file(changed)
    assert (third.added, third.updated, third.unchanged) == (0, 1, first.added - 1)
    assert [o.title for o in by_uid(services, "allday-series@tests")] == ["Pay the rent"] * 3
    assert count(services, Event) == first.added


def test_bad_components_are_skipped_with_reasons_and_the_rest_imported(services: Any) -> None:
    summary = imp(services, "bad_components.ics")
    assert summary.added == 4  # good, backwards, the newer duplicate, the one without UID
    reasons = sorted(p.reason for p in summary.skipped)
    assert reasons == [
        "duplicate: UID used again at line 31 (SEQUENCE 3 kept)",
        "unreadable: bad date '2026-13-45 nonsense'",
        "unreadable: broken parameter in 'DTSTART;TZID=\"Europe/Berlin:20261217T100000'",
        "unreadable: no DTSTART",
        "unsupported: VJOURNAL is not imported",
    ]
    assert [w.reason for w in summary.warnings] == ["end before start: end set to the start"]
    assert by_uid(services, "dup@tests")[0].title == "Duplicate UID, newer"
    again = imp(services, "bad_components.ics")  # the older duplicate must not win now
    assert (again.added, again.updated) == (0, 0)
    assert by_uid(services, "dup@tests")[0].title == "Duplicate UID, newer"
    line = summary.line()
    assert line.startswith("bad_components.ics -> bad_components: 4 added")
    assert "5 skipped (duplicate; unreadable; unsupported)" in line


def test_truncated_and_html_files_lose_nothing_already_stored(services: Any) -> None:
    imp(services, "basic.ics", calendar="Mixed")
    truncated = imp(services, "truncated.ics", calendar="Mixed")
    assert (truncated.added, len(truncated.skipped)) == (1, 1)
    html = imp(services, "html_page.ics", calendar="Mixed")
    assert html.error == "This is a web page (HTML), not an iCalendar file."
    assert html.line() == ("html_page.ics: not imported: This is a web page (HTML), "
                           "not an iCalendar file.")
    assert count(services, Event) == 9
    missing = services.calendar.ics.import_file(FIXTURES / "nope.ics")
    assert missing.error is not None and "cannot read" in missing.error


def test_endless_and_huge_rules_are_capped(services: Any) -> None:
    summary = imp(services, "endless.ics")
    assert summary.added == 6
    reasons = [w.reason for w in summary.warnings]
    assert "recurrence dropped: RRULE 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31' never produces " \
           "a date" in reasons
    assert "recurrence dropped: unreadable RRULE 'FREQ=SOMETIMES;BYDAY=XX'" in reasons
    assert sum("more than 5000 occurrences" in r for r in reasons) == 2
    assert any("too dense" in r for r in reasons)
    with read(services.store) as s:
        rows = s.execute(select(Event.uid, func.count(Occurrence.id)).join(
            Occurrence, Occurrence.event_id == Event.id).group_by(Event.uid))
        per_event: dict[str, int] = {row[0]: row[1] for row in rows}
    assert per_event["every-minute@tests"] == 5000
    assert per_event["million@tests"] == 5000
    assert per_event["every-second-since-1990@tests"] == 1
    assert per_event["never-matches@tests"] == 1


def test_todos_become_tasks(services: Any) -> None:
    summary = imp(services, "todos.ics")
    assert (summary.added, summary.tasks_added) == (0, 4)
    tasks = {t.ics_uid: t for t in services.tasks.reader.select()}
    child, parent = tasks["todo-child@tests"], tasks["todo-parent@tests"]
    assert child.parent_id == parent.id
    assert (child.status, child.priority, child.tags) == ("in_progress", 1, ("Event", "Urgent"))
    assert child.due_local() == datetime(2026, 12, 3, 17, 0, tzinfo=BERLIN)
    assert (parent.priority, parent.due_date, parent.due_at) == (2, date(2026, 12, 5), None)
    assert parent.notes == "Everything for Saturday"
    done = tasks["todo-done@tests"]
    assert (done.status, done.priority, done.completed) == (
        "done", 3, datetime(2026, 11, 20, 10, 15, tzinfo=UTC))
    assert tasks["todo-cancelled@tests"].status == "cancelled"
    again = imp(services, "todos.ics")
    assert (again.tasks_added, again.tasks_updated) == (0, 0)
    assert len(services.tasks.reader.select()) == 4


def test_cancel_stores_nothing_and_progress_is_reported(services: Any) -> None:
    data = (FIXTURES / "basic.ics").read_bytes()
    with pytest.raises(ImportCancelled):
        services.calendar.ics.import_bytes(data, source="basic.ics", cancelled=lambda: True)
    assert count(services, Event) == 0
    seen: list[tuple[int, int]] = []
    services.calendar.ics.import_bytes(data, source="basic.ics",
                                       progress=lambda n, total: seen.append((n, total)))
    assert seen[-1] == (9, 9)


def test_fragment_and_encodings(services: Any) -> None:
    assert imp(services, "fragment.ics").added == 1
    assert imp(services, "cp1252.ics").notes == ["not UTF-8: read as windows-1252"]
    assert by_uid(services, "cp1252@tests")[0].title == "Café crème – 5 € for José"
    imp(services, "folded_utf8_bom_lf.ics")
    assert "☕" in by_uid(services, "folded@tests")[0].title


def test_import_is_in_the_audit_log_but_not_an_undo_step(services: Any) -> None:
    imp(services, "basic.ics")
    ops = services.history.recent()
    assert any(label == "Import basic.ics" and origin == "import" for _, label, origin, _ in ops)
    assert services.history.undo_label() != "Import basic.ics"


def test_reimport_into_a_calendar_with_a_non_ascii_name(services: Any) -> None:
    data = (FIXTURES / "fragment.ics").read_bytes()
    data = b"BEGIN:VCALENDAR\r\nX-WR-CALNAME:Kalender \xc3\x96ffentlich\r\n" + data + \
        b"END:VCALENDAR\r\n"
    first = services.calendar.ics.import_bytes(data, source="a.ics")
    again = services.calendar.ics.import_bytes(data, source="a.ics")
    assert (first.calendar, first.added) == ("Kalender Öffentlich", 1)
    assert (again.added, again.unchanged) == (0, 1)
    assert len(services.calendar.calendars.list()) == 1


def test_duplicate_uids_keep_the_highest_sequence_on_every_import(services: Any) -> None:
    def vevent(seq: int, title: str) -> bytes:
        return (f"BEGIN:VEVENT\r\nUID:twice@tests\r\nSEQUENCE:{seq}\r\n"
                f"DTSTART:20261201T100000Z\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n").encode()

    data = vevent(1, "older first") + vevent(4, "newer second")
    for _ in range(3):
        summary = services.calendar.ics.import_bytes(data, source="twice.ics")
        assert summary.updated == 0 and len(summary.skipped) == 1
        assert [o.title for o in by_uid(services, "twice@tests")] == ["newer second"]
