"""Calendar benchmarks (issue 5); prints its numbers:

    python3 -m pytest -m perf -s tests/perf/bench_calendar.py

Targets: importing a 10,000-event file (10% recurring, several zones) takes at most 1.2x
what ``icalendar.Calendar.from_ical`` alone takes on the same bytes in the same run;
re-importing it unchanged, and refreshing an unchanged subscription, under 10% of the first
import; with 50,000 events stored, the data for the next week or month and drawing a week
with 300 visible occurrences under 50 ms each; ``cadence agenda`` for a month under 0.5 s.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London")
RULES = ("FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=WEEKLY;COUNT=30", "FREQ=DAILY;INTERVAL=2;COUNT=60",
         "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270630T000000Z")
SHORT_RULES = ("FREQ=WEEKLY;COUNT=8", "FREQ=DAILY;COUNT=5", "FREQ=MONTHLY;COUNT=6",
               "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10")


def generate(n: int, *, seed: int = 7, start: datetime = datetime(2025, 6, 1, 7),
             days: int = 900, rules: tuple[str, ...] = RULES) -> bytes:
    """A calendar like a busy work export: VTIMEZONEs, zoned/all-day events, attendees,
    alarms, folded descriptions, 10% recurring (some with EXDATEs)."""
    import icalendar

    from app.services.ics_export import fold

    rnd = random.Random(seed)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cadence bench//EN", "X-WR-CALNAME:Bench"]
    for z in ZONES:
        out += icalendar.Timezone.from_tzid(z).to_ical().decode().strip().split("\r\n")
    for i in range(n):
        st = start + timedelta(days=rnd.randrange(days), hours=rnd.randrange(11),
                               minutes=rnd.choice((0, 15, 30, 45)))
        en = st + timedelta(minutes=rnd.choice((30, 45, 60, 90, 120)))
        z = ZONES[i % len(ZONES)]
        ev = ["BEGIN:VEVENT", f"DTSTART;TZID={z}:{st:%Y%m%dT%H%M%S}",
              f"DTEND;TZID={z}:{en:%Y%m%dT%H%M%S}"]
        if i % 7 == 3:
            ev[1:3] = [f"DTSTART;VALUE=DATE:{st:%Y%m%d}",
                       f"DTEND;VALUE=DATE:{st + timedelta(days=1 + i % 3):%Y%m%d}"]
        if i % 10 == 0:
            ev.append("RRULE:" + rules[(i // 10) % len(rules)])
            if i % 30 == 0:
                later = st + timedelta(days=14)
                ev.append(f"EXDATE;TZID={z}:{later:%Y%m%dT%H%M%S}" if "TZID" in ev[1]
                          else f"EXDATE;VALUE=DATE:{later:%Y%m%d}")
        ev += ["DTSTAMP:20260101T120000Z", f"UID:{i:06d}-{rnd.getrandbits(48):012x}@bench.example",
               f"CREATED:2025050{1 + i % 9}T101500Z", "LAST-MODIFIED:20251201T093000Z",
               f"SUMMARY:Meeting {i}: review of {rnd.choice(('Alpha', 'Beta', 'Gamma'))}",
               f"DESCRIPTION:Agenda:\\n1. Status of item {i}\\n2. Risks and next steps\\, "
               f"owners\\; dates\\nJoin: https://meet.example.org/{rnd.getrandbits(40):010x}",
               f"LOCATION:Room {i % 40}\\, Building {i % 5}", "STATUS:CONFIRMED", "SEQUENCE:0",
               "TRANSP:OPAQUE"]
        if i % 2 == 0:
            ev.append("ORGANIZER;CN=Alice Example:mailto:alice@example.org")
            ev += [f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
                   f"CN=Person {a};X-NUM-GUESTS=0:mailto:person{a}@example.org"
                   for a in range(rnd.randrange(1, 4))]
        if i % 3 == 0:
            ev += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "TRIGGER:-PT10M",
                   "END:VALARM"]
        out += [*ev, "END:VEVENT"]
    out.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in out) + "\r\n").encode()


def services_in(folder: Path) -> Any:
    from app.services.clock import Clock
    from app.services.facade import Services

    return Services.open(folder, clock=Clock("Europe/Berlin", NOW))


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - start, result


def median_ms(fn: Any, runs: int = 7) -> float:
    return statistics.median(timed(fn)[0] for _ in range(runs)) * 1000


class _Feed(BaseHTTPRequestHandler):
    body = b""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        etag = '"bench"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


@pytest.mark.perf
def test_import_10k_against_icalendar(tmp_path: Path) -> None:
    import icalendar

    data = generate(10_000)
    path = tmp_path / "bench.ics"
    path.write_bytes(data)
    parse_s, _ = timed(icalendar.Calendar.from_ical, data)
    svc = services_in(tmp_path / "store")
    try:
        first_s, first = timed(svc.calendar.ics.import_file, path)
        again_s, again = timed(svc.calendar.ics.import_file, path)
    finally:
        svc.close()
    print(f"\n[calendar] {len(data) / 2**20:.1f} MB, {first.added:,} events")
    print(f"[calendar] icalendar.Calendar.from_ical {parse_s:.2f} s; Cadence import "
          f"{first_s:.2f} s = {first_s / parse_s:.2f}x (target <= 1.2x)")
    print(f"[calendar] re-import unchanged {again_s:.3f} s = {again_s / first_s:.1%} of the "
          f"first (target < 10%)")
    assert first.added == 10_000 and again.unchanged == 10_000
    assert first_s <= 1.2 * parse_s
    assert again_s < 0.1 * first_s


@pytest.mark.perf
def test_unchanged_subscription_refresh(tmp_path: Path) -> None:
    _Feed.body = generate(10_000, seed=11)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    svc = services_in(tmp_path / "store")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.ics"
        first_s, first = timed(svc.calendar.subscriptions.subscribe, url, "Feed")
        subs = svc.calendar.subscriptions
        not_modified_s, r304 = timed(subs.refresh, first.calendar_id)
        same_body_s, same = timed(subs.refresh, first.calendar_id, force=True)
    finally:
        svc.close()
        server.shutdown()
        server.server_close()
    print(f"\n[calendar] subscribe + first fetch of 10,000 events {first_s:.2f} s; refresh "
          f"with 304 {not_modified_s * 1000:.0f} ms ({not_modified_s / first_s:.1%}), "
          f"unchanged body {same_body_s * 1000:.0f} ms ({same_body_s / first_s:.1%})")
    assert (r304.status, same.status) == ("unchanged", "unchanged")
    assert not_modified_s < 0.1 * first_s and same_body_s < 0.1 * first_s


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50,000 events over six years around the fixed today, 10% recurring."""
    folder = tmp_path_factory.mktemp("calendar-50k")
    path = folder / "big.ics"
    path.write_bytes(generate(50_000, seed=3, start=datetime(2023, 12, 1, 7), days=6 * 365,
                              rules=SHORT_RULES))
    svc = services_in(folder / "store")
    try:
        import_s, summary = timed(svc.calendar.ics.import_file, path)
        busy = svc.calendar.calendars.create("Busy week")
        rnd = random.Random(5)
        from app.services.calendar_dto import EventFields
        from app.services.calendar_zones import zone

        berlin = zone("Europe/Berlin")
        monday = datetime(2026, 12, 7, tzinfo=berlin)
        for n in range(300):
            start = monday + timedelta(days=n % 7, hours=8 + rnd.randrange(11),
                                       minutes=rnd.choice((0, 15, 30, 45)))
            svc.calendar.events.create(EventFields(
                summary=f"Busy {n}", start=start, end=start + timedelta(minutes=45),
                calendar_id=busy.id))
    finally:
        svc.close()
    print(f"\n[calendar] 50,000-event store imported in {import_s:.1f} s "
          f"({summary.added:,} events)")
    return folder / "store"


@pytest.mark.perf
def test_next_week_and_month_with_50k_events(big_store: Path) -> None:
    from app.ui.calendar_jobs import load_page
    from app.ui.calendar_layout import step

    svc = services_in(big_store)
    try:
        results = {}
        for mode in ("week", "month"):
            anchor = date(2026, 11, 30)
            load_page(svc, mode, anchor, "Europe/Berlin")  # warm caches and the window
            samples, sizes = [], []
            for _ in range(8):
                anchor = step(mode, anchor, 1)
                seconds, page = timed(load_page, svc, mode, anchor, "Europe/Berlin")
                samples.append(seconds * 1000)
                sizes.append(len(page.items))
            results[mode] = statistics.median(samples)
            print(f"\n[calendar] next {mode}: median {results[mode]:.1f} ms, max "
                  f"{max(samples):.1f} ms, {min(sizes)}-{max(sizes)} items (target < 50 ms)")
    finally:
        svc.close()
    assert results["week"] < 50 and results["month"] < 50


@pytest.mark.perf
def test_drawing_a_week_with_300_occurrences(big_store: Path, qtbot: Any) -> None:
    from app.ui.calendar_jobs import load_page
    from app.ui.calendar_view import CalendarWidget

    svc = services_in(big_store)
    try:
        big = svc.calendar.calendars.by_name("Bench")
        svc.calendar.calendars.set_visible(big.id, False)
        page = load_page(svc, "week", date(2026, 12, 7), "Europe/Berlin")
        svc.calendar.calendars.set_visible(big.id, True)
    finally:
        svc.close()
    view = CalendarWidget("Europe/Berlin", date(2026, 12, 7))
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    view.show_page(page)
    view.grid.grab()

    def draw() -> None:
        view.show_page(page)
        view.header.grab()
        view.grid.grab()

    ms = median_ms(draw)
    print(f"\n[calendar] drawing a week with {len(page.items)} occurrences: {ms:.1f} ms "
          "(target < 50 ms)")
    assert len(page.items) >= 300 and ms < 50


@pytest.mark.perf
def test_cli_agenda_for_a_month(big_store: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "app", "--data-dir", str(big_store), "agenda", "--from",
           "2026-12-01", "--to", "2026-12-31", "--json", "--tz", "Europe/Berlin"]
    # An installed Cadence has compiled bytecode; a test run may forbid writing it
    # (PYTHONDONTWRITEBYTECODE), so give the child a private bytecode cache.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env=env)  # warm caches
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env=env)
        samples.append(time.perf_counter() - start)
    count = done.stdout.count(b'"event_id"')
    seconds = statistics.median(samples)
    print(f"\n[calendar] cadence agenda for a month ({count:,} occurrences): {seconds:.2f} s "
          "(target < 0.5 s)")
    assert seconds < 0.5
