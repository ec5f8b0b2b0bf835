"""Turning the TZIDs found in ICS files into IANA zones: Olson names, Windows names, VTIMEZONEs."""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

_CITY = re.compile(r"[A-Za-z]{4,}")
# Among zones with equal offsets, these read best in a calendar (checked first).
_POPULAR = ("Europe/Berlin", "Europe/London", "Europe/Paris", "America/New_York",
            "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
            "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Australia/Sydney", "UTC")
_OFFSET_ONLY = re.compile(r"^\(?\s*(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\s*\)?$")
# Outlook writes display names ("(UTC-05:00) Eastern Time (US & Canada)") as TZIDs; the
# ones that name no city are listed here, the others are found by their cities.
_DISPLAY_NAMES = {
    "eastern time (us & canada)": "America/New_York",
    "eastern time (us and canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "central time (us and canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "mountain time (us and canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "pacific time (us and canada)": "America/Los_Angeles",
    "atlantic time (canada)": "America/Halifax",
    "coordinated universal time": "UTC",
}


@functools.cache
def _iana_by_lower() -> dict[str, str]:
    names = zoneinfo.available_timezones()
    return {n.lower(): n for n in names}


@functools.cache
def _windows_names() -> dict[str, str]:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return {k.lower(): v for k, v in WINDOWS_TO_OLSON.items()}


@functools.cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@functools.cache
def _cities() -> dict[str, str]:
    """'sydney' -> 'Australia/Sydney' for every IANA zone named after a place."""
    out: dict[str, str] = {}
    for name in sorted(_iana_by_lower().values()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
            out.setdefault(name.rsplit("/", 1)[1].replace("_", " ").lower(), name)
    return out


def clean_tzid(tzid: str) -> str:
    return tzid.strip().strip('"').strip()


def iana_name(tzid: str) -> str | None:
    """The IANA name a TZID means: exact names first, then Outlook display names."""
    return iana_exact(tzid) or iana_guess(tzid)


@functools.cache
def iana_exact(tzid: str) -> str | None:
    """The canonical IANA name for an Olson, Windows or vendor-prefixed TZID, else None."""
    cleaned = clean_tzid(tzid)
    if not cleaned:
        return None
    lower = cleaned.lower()
    known = _iana_by_lower()
    for candidate in (lower, lower.strip("/")):
        if candidate in known:
            return known[candidate]
    if lower in ("z", "gmt", "utc", "etc/utc", "universal", "zulu"):
        return "UTC"
    windows = _windows_names()
    if lower in windows:
        return windows[lower]
    return _prefixed(cleaned, known)


@functools.cache
def iana_guess(tzid: str) -> str | None:
    """A zone for an Outlook display name: a fixed offset, a US/Canada name, or a city."""
    lower = clean_tzid(tzid).lower()
    windows = _windows_names()
    offset = _OFFSET_ONLY.match(lower)
    if offset is not None:
        sign, hours, minutes = offset.groups()
        if int(minutes or 0) == 0 and int(hours) <= 14:
            if int(hours) == 0:
                return "UTC"
            return f"Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}"  # POSIX signs
    # "(UTC-05:00) Eastern Time (US & Canada)" and friends: Outlook display names.
    bare = re.sub(r"^\(?(utc|gmt)[^)]*\)\s*", "", lower).strip()
    if bare in windows:
        return windows[bare]
    if bare in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[bare]
    for word in re.split(r"[,;/()]", bare):
        city = _cities().get(word.strip())
        if city is not None:
            return city
    return None


def _prefixed(cleaned: str, known: dict[str, str]) -> str | None:
    # Vendor prefixes: "/mozilla.org/20050126_1/Europe/Berlin", "custom_Pacific/Fiji".
    parts = [p for p in re.split(r"[/_]", cleaned) if p]
    for start in range(1, len(parts)):
        guess = "/".join(parts[start:]).lower()
        if guess in known and "/" in guess:
            return known[guess]
    slash = cleaned.strip("/").split("/")
    for start in range(1, len(slash)):
        guess = "/".join(slash[start:]).lower()
        if guess in known:
            return known[guess]
    return None


def _samples() -> list[datetime]:
    year = datetime.now(UTC).year
    return [datetime(y, m, d, 12, tzinfo=UTC) for y in (year - 1, year)
            for m in range(1, 13) for d in (1, 15)]


def equivalent_iana(custom: tzinfo, hint: str) -> str | None:
    """An IANA zone with the same UTC offsets as ``custom`` over the last two years.

    Candidates are the zones Windows names map to. Old multi-era VTIMEZONEs (rules without
    UNTIL that overlap) disagree around the switch dates, so the best candidate that matches
    at least 90% of the samples wins; among equals one whose city is in the TZID.
    """
    samples = _samples()
    try:
        wanted = [s.astimezone(custom).utcoffset() for s in samples]
    except Exception:  # noqa: BLE001 - a broken VTIMEZONE simply has no equivalent
        return None
    words = {w.lower() for w in _CITY.findall(hint)}
    best: tuple[int, bool, str] | None = None
    rest = sorted(set(_windows_names().values()) - set(_POPULAR))
    for name in (*_POPULAR, *rest):
        tz = zone(name)
        score = sum(s.astimezone(tz).utcoffset() == w for s, w in zip(samples, wanted,
                                                                       strict=True))
        if score * 10 < len(samples) * 9:
            continue
        named = any(w in name.lower() for w in words)
        if best is None or (score, named) > (best[0], best[1]):
            best = (score, named, name)
    return None if best is None else best[2]


def _agrees(custom: tzinfo, candidate: tzinfo) -> bool:
    samples = _samples()
    try:
        same = sum(s.astimezone(custom).utcoffset() == s.astimezone(candidate).utcoffset()
                   for s in samples)
    except Exception:  # noqa: BLE001 - a broken VTIMEZONE agrees with nothing
        return False
    return same * 10 >= len(samples) * 9


@dataclass
class Resolved:
    """What a TZID means: an IANA zone, a custom zone with no IANA twin, or nothing known."""

    name: str | None
    tz: tzinfo | None
    warning: str | None = None


@dataclass
class ZoneResolver:
    """Resolves the TZIDs of one file; VTIMEZONE texts are parsed only when needed."""

    vtimezones: dict[str, str] = field(default_factory=dict)  # TZID -> component text
    _cache: dict[str, Resolved] = field(default_factory=dict)

    def resolve(self, tzid: str) -> Resolved:
        hit = self._cache.get(tzid)
        if hit is None:
            hit = self._cache[tzid] = self._resolve(tzid)
        return hit

    def _resolve(self, tzid: str) -> Resolved:
        name = iana_exact(tzid)
        if name is not None:
            return Resolved(name, zone(name))
        text = self.vtimezones.get(tzid) or self.vtimezones.get(clean_tzid(tzid))
        custom = _custom_zone(text) if text is not None else None
        guess = iana_guess(tzid)
        if custom is not None and guess is not None and not _agrees(custom, zone(guess)):
            guess = None  # the definition in the file wins over a name that does not fit
        name = guess or (equivalent_iana(custom, tzid) if custom is not None else None)
        if name is not None:
            return Resolved(name, zone(name))
        if custom is not None:
            return Resolved(None, custom,
                            f"time zone {tzid!r} has no IANA equivalent: stored in UTC")
        if text is not None:
            return Resolved(None, None, f"broken VTIMEZONE {tzid!r}: read as floating time")
        return Resolved(None, None, f"unknown time zone {tzid!r}: read as floating time")


def _custom_zone(text: str) -> tzinfo | None:
    import icalendar

    try:
        component = icalendar.Timezone.from_ical(text)
        if not isinstance(component, icalendar.Timezone):
            return None
        result: tzinfo = component.to_tz(lookup_tzid=False)
    except Exception:  # noqa: BLE001 - icalendar raises many kinds on broken definitions
        return None
    return result
