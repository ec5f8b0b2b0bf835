"""ICS subscriptions against a real local HTTP server: 304s, redirects, failures, intervals."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.services.calendar import refresh_due_subscriptions
from app.sync.ics_subscription import clamp, fetch, normalize_url, parse_duration, sniff

FEED = (Path(__file__).resolve().parent.parent / "fixtures" / "ics" / "refresh.ics").read_bytes()
HTML = b"<!DOCTYPE html><html><body>Please log in</body></html>"


@dataclass
class Feed:
    """What the fake server serves, and what it was asked."""

    body: bytes = FEED
    etag: str | None = None
    status: int = 200
    gzip: bool = False
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/feed.ics", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"


def _handler(feed: Feed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            feed.requests.append((self.path, self.headers.get("If-None-Match")))
            if self.path == "/moved":
                return self._redirect(301)
            if self.path == "/temporary":
                return self._redirect(302)
            if feed.status != 200:
                self.send_response(feed.status)
                self.end_headers()
                return None
            etag = feed.etag or '"' + hashlib.sha1(feed.body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
            body = gzip.compress(feed.body) if feed.gzip else feed.body
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", "Sat, 28 Nov 2026 09:00:00 GMT")
            if feed.gzip:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None

        def _redirect(self, code: int) -> None:
            self.send_response(code)
            self.send_header("Location", feed.url())
            self.end_headers()

    return Handler


@pytest.fixture
def feed() -> Iterator[Feed]:
    state = Feed()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def titles(services: Any, cal_id: str) -> list[str]:
    from datetime import date

    found = services.calendar.query.agenda(date(2026, 11, 1), date(2026, 12, 31))
    return sorted(o.title for o in found if o.calendar_id == cal_id)


def test_subscribe_imports_read_only_and_honours_refresh_interval(services: Any,
                                                                   feed: Feed) -> None:
    result = services.calendar.subscriptions.subscribe(feed.url(), "Feed")
    assert (result.status, result.error) == ("updated", None)
    cal = services.calendar.calendars.get(result.calendar_id)
    assert cal.read_only and cal.is_subscription
    assert cal.refresh_minutes == 15  # REFRESH-INTERVAL PT5M, clamped up to 15 minutes
    assert result.next_due == services.clock.now() + timedelta(minutes=15)
    assert titles(services, cal.id) == ["Feed event one", "Feed event two"]


def test_conditional_get_and_identical_bodies_cost_nothing(services: Any, feed: Feed) -> None:
    subs = services.calendar.subscriptions
    cal_id = subs.subscribe(feed.url(), "Feed").calendar_id
    ops = len(services.history.recent())
    second = subs.refresh(cal_id)
    assert second.status == "unchanged"
    assert feed.requests[-1][1] is not None  # If-None-Match was sent and answered 304
    feed.etag = '"rotated"'  # same body, new ETag: the body hash catches it
    third = subs.refresh(cal_id)
    assert third.status == "unchanged" and third.summary is None
    assert len(services.history.recent()) == ops  # nothing was re-imported


def test_changed_feed_updates_adds_and_removes(services: Any, feed: Feed) -> None:
    subs = services.calendar.subscriptions
    cal_id = subs.subscribe(feed.url(), "Feed").calendar_id
    feed.body = (FEED.replace(b"Feed event one", b"Feed event one (moved)")
                 .replace(b"UID:feed-2@tests", b"UID:feed-3@tests"))
    result = subs.refresh(cal_id)
    assert result.status == "updated" and result.summary is not None
    assert (result.summary.added, result.summary.updated, result.summary.removed) == (1, 1, 1)
    assert titles(services, cal_id) == ["Feed event one (moved)", "Feed event two"]


@pytest.mark.parametrize(("status", "body", "message"), [
    (404, FEED, "was not found (404)"),
    (410, FEED, "no longer exists (410 Gone)"),
    (500, FEED, "answered 500"),
    (200, HTML, "web page (HTML)"),
    (200, b"\x00\x01garbage", "did not send an iCalendar file"),
], ids=["404", "410", "500", "html", "garbage"])
def test_failures_keep_the_last_good_copy(services: Any, feed: Feed, status: int, body: bytes,
                                          message: str) -> None:
    subs = services.calendar.subscriptions
    cal_id = subs.subscribe(feed.url(), "Feed").calendar_id
    feed.status, feed.body = status, body
    result = subs.refresh(cal_id)
    assert result.status == "error" and message in (result.error or "")
    cal = services.calendar.calendars.get(cal_id)
    assert message in (cal.last_error or "")
    assert titles(services, cal_id) == ["Feed event one", "Feed event two"]
    feed.status, feed.body = 200, FEED
    assert subs.refresh(cal_id, force=True).status == "unchanged"
    assert services.calendar.calendars.get(cal_id).last_error is None


def test_a_feed_with_no_readable_events_does_not_wipe_the_calendar(services: Any,
                                                                    feed: Feed) -> None:
    subs = services.calendar.subscriptions
    cal_id = subs.subscribe(feed.url(), "Feed").calendar_id
    feed.body = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:no start\r\nEND:VEVENT\r\n" \
                b"END:VCALENDAR\r\n"
    result = subs.refresh(cal_id)
    assert result.summary is not None and "kept the 2 stored ones" in result.summary.notes[0]
    assert titles(services, cal_id) == ["Feed event one", "Feed event two"]


def test_redirects(services: Any, feed: Feed) -> None:
    subs = services.calendar.subscriptions
    moved = subs.subscribe(feed.url("/moved"), "Moved")
    assert moved.status == "updated"
    assert services.calendar.calendars.get(moved.calendar_id).source_url == feed.url()
    temporary = subs.subscribe(feed.url("/temporary"), "Temporary")
    assert temporary.status == "updated"
    assert services.calendar.calendars.get(temporary.calendar_id).source_url == feed.url(
        "/temporary")


def test_webcal_falls_back_to_http_and_gzip_is_read(services: Any, feed: Feed) -> None:
    feed.gzip = True
    result = services.calendar.subscriptions.subscribe(feed.url(scheme="webcal"), "Webcal")
    assert result.status == "updated"
    assert titles(services, result.calendar_id) == ["Feed event one", "Feed event two"]


def test_refresh_due_only_touches_due_subscriptions(services: Any, feed: Feed) -> None:
    subs = services.calendar.subscriptions
    subs.subscribe(feed.url(), "Feed")
    assert refresh_due_subscriptions(services) == []
    assert subs.next_due() == services.clock.now() + timedelta(minutes=15)
    services.clock.fixed = services.clock.now() + timedelta(minutes=16)
    results = refresh_due_subscriptions(services)
    assert [r.status for r in results] == ["unchanged"]


def test_unreachable_host_is_an_error_not_an_exception() -> None:
    result = fetch("http://127.0.0.1:9/feed.ics", timeout=2)
    assert result.status == "error" and "Cannot reach" in (result.error or "")


def test_transport_helpers() -> None:
    assert normalize_url("webcal://example.org/a.ics") == "https://example.org/a.ics"
    with pytest.raises(ValueError, match="Not a calendar address"):
        normalize_url("ftp://example.org/a.ics")
    assert parse_duration("P1W") == timedelta(weeks=1)
    assert parse_duration("PT1H30M") == timedelta(hours=1, minutes=30)
    assert parse_duration("soon") is None
    assert clamp(timedelta(minutes=1)) == timedelta(minutes=15)
    assert clamp(timedelta(weeks=1)) == timedelta(days=1)
    assert sniff(b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n") is None
