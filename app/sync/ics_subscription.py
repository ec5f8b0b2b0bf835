"""Fetching ICS subscriptions: webcal/https/http, conditional GET, redirects, sanity checks.

Transport only (draft-ietf-calext-subscription-upgrade: ``webcal://`` is ``https://`` with
an ``http://`` fallback; ETag/Last-Modified polling). It never raises for network or
server trouble: the result says what happened, and the caller keeps its last good copy.
"""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from datetime import timedelta
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from app import __version__

MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=1)
DEFAULT_INTERVAL = timedelta(hours=1)
MAX_BYTES = 100 * 1024 * 1024
USER_AGENT = f"Cadence/{__version__} (calendar subscription)"
_DURATION = re.compile(
    r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.I)
_INTERVAL_LINE = re.compile(rb"^(REFRESH-INTERVAL|X-PUBLISHED-TTL)[^:\r\n]*:([^\r\n]*)",
                            re.I | re.M)


class BadUrl(ValueError):
    """A subscription address that is not http(s)/webcal."""


@dataclass(frozen=True)
class FetchResult:
    """``status``: "ok" (body is an ICS text), "not_modified" (304) or "error"."""

    status: str
    url: str  # the address asked for
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None  # set after a permanent redirect (301/308)
    http_status: int | None = None
    error: str | None = None
    gone: bool = False  # 404/410: the feed is dead (still retried, less often)


def normalize_url(url: str) -> str:
    """``webcal://`` → ``https://``; anything but http(s)/webcal(s) is refused."""
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    if scheme not in ("http", "https") or not parts.netloc:
        raise BadUrl(f"Not a calendar address (use https://, http:// or webcal://): {url!r}")
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _fallback_http(original: str, url: str) -> str | None:
    if urlsplit(original.strip()).scheme.lower() not in ("webcal", "webcals"):
        return None
    return "http" + url[len("https"):] if url.startswith("https://") else None


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects (urllib does) and remembers the last permanent target."""

    def __init__(self) -> None:
        self.permanent: str | None = None
        self.all_permanent = True

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                         msg: str, headers: HTTPMessage,
                         newurl: str) -> urllib.request.Request | None:
        if code in (301, 308) and self.all_permanent:
            self.permanent = newurl
        else:
            self.all_permanent = False
            self.permanent = None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None,
          timeout: float = 20.0) -> FetchResult:
    """GET the feed (conditionally when etag/last_modified are known)."""
    target = normalize_url(url)
    result = _get(target, etag, last_modified, timeout)
    fallback = _fallback_http(url, target)
    if result.status == "error" and result.http_status is None and fallback is not None:
        second = _get(fallback, etag, last_modified, timeout)
        if second.status != "error":
            return second
    return result


def _get(url: str, etag: str | None, last_modified: str | None, timeout: float) -> FetchResult:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5",
               "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    redirects = _Redirects()
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as response:
            return _read(url, response, redirects.permanent)
    except urllib.error.HTTPError as exc:
        return _http_error(url, exc, redirects.permanent)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return FetchResult("error", url, error=f"Cannot reach {urlsplit(url).netloc}: {reason}")


def _http_error(url: str, exc: urllib.error.HTTPError, moved: str | None) -> FetchResult:
    code = exc.code
    exc.close()
    if code == 304:
        return FetchResult("not_modified", url, http_status=304, moved_to=moved,
                           etag=exc.headers.get("ETag"),
                           last_modified=exc.headers.get("Last-Modified"))
    if code in (404, 410):
        what = "no longer exists (410 Gone)" if code == 410 else "was not found (404)"
        return FetchResult("error", url, http_status=code, gone=True,
                           error=f"The calendar at {url} {what}; the last copy is kept.")
    if code in (401, 403):
        return FetchResult("error", url, http_status=code,
                           error=f"The server refused access ({code}); check the address.")
    return FetchResult("error", url, http_status=code,
                       error=f"The server answered {code} {exc.reason}; will retry later.")


def _read(url: str, response: Any, moved: str | None) -> FetchResult:
    raw = response.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return FetchResult("error", url, http_status=200,
                           error=f"The calendar is larger than {MAX_BYTES // 2**20} MB.")
    encoding = (response.headers.get("Content-Encoding") or "").lower()
    try:
        if encoding == "gzip" or raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        elif encoding == "deflate":
            raw = zlib.decompress(raw)
    except (OSError, zlib.error, EOFError):
        return FetchResult("error", url, http_status=200,
                           error="The server sent a damaged compressed body.")
    problem = sniff(raw)
    if problem is not None:
        return FetchResult("error", url, http_status=200, error=problem)
    return FetchResult("ok", url, body=raw, http_status=200, moved_to=moved,
                       etag=response.headers.get("ETag"),
                       last_modified=response.headers.get("Last-Modified"))


def sniff(body: bytes) -> str | None:
    """None when ``body`` looks like iCalendar data, else what it looks like instead."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if not head:
        return "The server sent an empty answer instead of a calendar."
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head")) or b"<html" in head:
        return "The server sent a web page (HTML) instead of a calendar."
    if not head.startswith(b"begin:vcalendar"):
        return "The server did not send an iCalendar file (no BEGIN:VCALENDAR)."
    return None


def refresh_interval(body: bytes) -> timedelta | None:
    """REFRESH-INTERVAL (RFC 7986) or X-PUBLISHED-TTL, clamped to 15 minutes..1 day."""
    head = body[:65536].replace(b"\r\n ", b"").replace(b"\n ", b"")
    found: dict[str, timedelta] = {}
    for name, value in _INTERVAL_LINE.findall(head):
        parsed = parse_duration(value.decode("ascii", "replace").strip())
        if parsed is not None:
            found.setdefault(name.decode().upper(), parsed)
    chosen = found.get("REFRESH-INTERVAL") or found.get("X-PUBLISHED-TTL")
    return None if chosen is None else clamp(chosen)


def clamp(interval: timedelta) -> timedelta:
    return max(MIN_INTERVAL, min(MAX_INTERVAL, interval))


def parse_duration(text: str) -> timedelta | None:
    m = _DURATION.match(text)
    if m is None or not any(m.groups()[1:]):
        return None
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in m.groups()[1:])
    value = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -value if m.group(1) == "-" else value
