"""The current instant and the user's time zone, injectable for tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def local_zone_name() -> str:
    """The machine's IANA zone (TZ wins, as for every Unix program)."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and ("/" in tz or tz == "UTC"):
        return tz
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # noqa: BLE001 - a missing/odd zone config must not stop the app
        return "UTC"


@dataclass
class Clock:
    """System time by default; tests pass ``fixed`` (an aware instant) and a zone name."""

    zone_name: str | None = None
    fixed: datetime | None = None

    def zone_key(self) -> str:
        return self.zone_name or local_zone_name()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_key())

    def now(self) -> datetime:
        return self.fixed if self.fixed is not None else datetime.now(UTC)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.zone)

    def today(self) -> date:
        return self.local_now().date()
