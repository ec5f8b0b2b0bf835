"""Reading ICS bytes: decoding, unfolding, splitting into components, tokenizing lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.calendar_records import Context, RecordError, clean_rule, parse_event
from app.services.calendar_zones import iana_name
from app.services.ics_parse import (
    IcsFormatError,
    LineError,
    decode,
    read_ics,
    split_line,
    split_list,
    unescape,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_fold_inside_a_utf8_sequence_heals_and_bom_and_lf_are_accepted() -> None:
    ics = read_ics(fixture("folded_utf8_bom_lf.ics"))
    assert ics.encoding == "utf-8"
    [event] = ics.of_kind("VEVENT")
    ev = parse_event(event, Context.for_file({}, None))
    assert ev.summary == "Grüße aus Köln – Überraschung für Zoë ☕ ünd mehr Umlaute äöü ÄÖÜ ß"
    assert ev.description == "Zeile eins\nZeile zwei mit Ümlaut"


def test_windows_1252_bytes_are_read_as_such_and_reported() -> None:
    ics = read_ics(fixture("cp1252.ics"))
    assert ics.encoding == "windows-1252"
    assert ics.notes == ["not UTF-8: read as windows-1252"]
    ev = parse_event(ics.of_kind("VEVENT")[0], Context.for_file({}, None))
    assert ev.summary == "Café crème – 5 € for José"
    assert ev.location == "Straße 1"


def test_mixed_utf8_and_stray_latin1_bytes_keep_the_utf8_text() -> None:
    text, encoding = decode("SUMMARY:Grüße ".encode() + b"caf\xe9\r\n")
    assert encoding == "windows-1252"
    assert text == "SUMMARY:Grüße café\n"


def test_crlf_and_lf_files_split_the_same_way() -> None:
    crlf = read_ics(fixture("basic.ics"))
    lf = read_ics(fixture("basic.ics").replace(b"\r\n", b"\n"))
    assert [c.digest for c in crlf.components] == [c.digest for c in lf.components]
    assert [c.name for c in crlf.components] == ["VTIMEZONE"] + ["VEVENT"] * 8
    assert crlf.props["X-WR-CALNAME"] == "Basics"


def test_a_truncated_file_keeps_the_complete_components() -> None:
    ics = read_ics(fixture("truncated.ics"))
    first, cut = ics.components
    assert first.complete and not cut.complete
    assert cut.problem == "truncated: BEGIN:VEVENT at line 10 has no END"
    assert ics.notes == ["the file is truncated"]


def test_bare_component_fragments_without_vcalendar_are_read() -> None:
    assert [c.name for c in read_ics(fixture("fragment.ics")).components] == ["VEVENT"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"   \r\n", "empty"),
    (b"<!DOCTYPE html><html><body>Login</body></html>", "web page"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"Subject: hello\r\n\r\nnot a calendar", "no BEGIN:VCALENDAR"),
])
def test_files_that_are_no_calendar_at_all_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(IcsFormatError, match=message):
        read_ics(data)


def test_html_fixture_is_refused() -> None:
    with pytest.raises(IcsFormatError, match="HTML"):
        read_ics(fixture("html_page.ics"))


def test_dtstamp_does_not_change_a_component_digest() -> None:
    a = read_ics(b"BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260101T000000Z\r\nEND:VEVENT\r\n")
    b = read_ics(b"BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20261231T000000Z\r\nEND:VEVENT\r\n")
    c = read_ics(b"BEGIN:VEVENT\r\nUID:y\r\nDTSTAMP:20261231T000000Z\r\nEND:VEVENT\r\n")
    assert a.components[0].digest == b.components[0].digest != c.components[0].digest


def test_x_wr_timezone_is_part_of_the_digest() -> None:
    body = b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260101T090000\r\nEND:VEVENT\r\n"
    plain = read_ics(b"BEGIN:VCALENDAR\r\n" + body + b"END:VCALENDAR\r\n")
    zoned = read_ics(b"BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:Europe/Berlin\r\n" + body
                     + b"END:VCALENDAR\r\n")
    assert plain.components[0].digest != zoned.components[0].digest


def test_split_line_handles_quoted_parameters_with_colons_and_semicolons() -> None:
    name, params, value = split_line('X-THING;X-A="a:b;c";X-B=one,"two,2":the value: here')
    assert name == "X-THING"
    assert params == {"X-A": "a:b;c", "X-B": "one,two,2"}
    assert value == "the value: here"
    assert split_line("dtstart;tzid=Europe/Berlin:20260101T090000") == (
        "DTSTART", {"TZID": "Europe/Berlin"}, "20260101T090000")
    assert split_line("ITEM1.X-ABLABEL:work")[0] == "X-ABLABEL"


def test_split_line_salvages_a_quote_closed_after_the_value() -> None:
    assert split_line('DTSTART;TZID="W. Europe Standard Time:20200609T090000"') == (
        "DTSTART", {"TZID": "W. Europe Standard Time"}, "20200609T090000")


@pytest.mark.parametrize("line", ["no colon here", ";TZID=x:1", 'A;B="unterminated:', "A;B:1"])
def test_broken_lines_raise_line_error(line: str) -> None:
    with pytest.raises(LineError):
        split_line(line)


def test_text_unescaping_and_lists() -> None:
    assert unescape(r"a\, b\; c\\d\nE\NF") == "a, b; c\\d\nE\nF"
    assert split_list(r"Work,Home\, garden, Urgent") == ["Work", "Home, garden", "Urgent"]


def test_rrule_cleanup_drops_blanks_empty_and_unknown_parts() -> None:
    notes: list[str] = []
    assert clean_rule("FREQ=WEEKLY;BYDAY=MO, TU;WKST=;;", notes) == "FREQ=WEEKLY;BYDAY=MO,TU"
    assert clean_rule("freq=daily;UNTL=20191023", notes) == "FREQ=DAILY"
    assert notes == ["unknown RRULE part 'UNTL=20191023' ignored"]
    assert clean_rule("RSCALE=GREGORIAN;FREQ=YEARLY;SKIP=OMIT", []) == "FREQ=YEARLY"


def test_event_without_dtstart_is_a_record_error() -> None:
    ics = read_ics(b"BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:y\r\nEND:VEVENT\r\n")
    with pytest.raises(RecordError, match="no DTSTART"):
        parse_event(ics.components[0], Context.for_file({}, None))


@pytest.mark.parametrize(("tzid", "expected"), [
    ("Europe/Berlin", "Europe/Berlin"),
    ("europe/lisbon", "Europe/Lisbon"),
    ('"America/New_York"', "America/New_York"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
    ("(UTC+07:00) Bangkok, Hanoi, Jakarta", "Asia/Bangkok"),
    ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"),
    ("/Europe/Stockholm", "Europe/Stockholm"),
    ("custom_Pacific/Fiji", "Pacific/Fiji"),
    ("UTC+01", "Etc/GMT-1"),
    ("GMT", "GMT"),
    ("Zulu", "Zulu"),
    ("Mars/Olympus_Mons", None),
])
def test_tzids_map_to_iana_zones(tzid: str, expected: str | None) -> None:
    assert iana_name(tzid) == expected
