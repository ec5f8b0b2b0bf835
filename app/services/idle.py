"""Idle detection logic: platform idle readings, suspend and screen lock into away periods.

No Qt and no platform code here: an ``IdleSource`` (see ``idle_sources``) reports how long
the user has not touched keyboard or mouse, and the caller forwards suspend/resume and
lock/unlock events. Clocks are injected, so tests drive it with a fake clock and source.
A suspend is also noticed without any event: the wall clock jumps ahead of the monotonic
clock (which stands still while the machine sleeps).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

DEFAULT_THRESHOLD = 300.0  # seconds: five minutes


class IdleSource(Protocol):
    """How long the user has been idle, from the platform."""

    name: str

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard/mouse input; None if it cannot be read now."""

    def close(self) -> None:
        """Release the display/bus connection."""


@dataclass
class FakeIdleSource:
    """A source whose idle time a test sets by hand."""

    idle: float | None = 0.0
    name: str = "fake"

    def idle_seconds(self) -> float | None:
        return self.idle

    def close(self) -> None:
        self.idle = None


@dataclass(frozen=True)
class AwayPeriod:
    """The user was away from ``start`` to ``end`` (wall-clock instants, UTC)."""

    start: datetime
    end: datetime
    reason: str  # idle, lock or suspend

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


def _utcnow() -> datetime:
    return datetime.now(UTC)


class IdleWatcher:
    """Feeds on polls and events; returns an ``AwayPeriod`` once, when the user comes back."""

    def __init__(
        self,
        source: IdleSource | None,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        wall: Callable[[], datetime] = _utcnow,
        mono: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.threshold = threshold
        self._wall = wall
        self._mono = mono
        self._away_since: datetime | None = None
        self._reason = "idle"
        self._locked = False
        self._asleep = False
        self._last: tuple[datetime, float] | None = None

    @property
    def away_since(self) -> datetime | None:
        return self._away_since

    def reset(self) -> None:
        """Forget any away period in progress (the timer stopped, or the user decided)."""
        self._away_since = None
        self._last = None

    def poll(self) -> AwayPeriod | None:
        """Read the source and observe it; call every few seconds while a timer runs."""
        return self.observe(self.source.idle_seconds() if self.source is not None else None)

    def observe(self, idle: float | None) -> AwayPeriod | None:
        """Feed one reading (taken off the GUI thread by the caller, or by ``poll``)."""
        now, mono = self._wall(), self._mono()
        if self._last is not None:
            last_wall, last_mono = self._last
            slept = (now - last_wall).total_seconds() - (mono - last_mono)
            if slept >= self.threshold:
                self._mark_away(last_wall, "suspend")
        self._last = (now, mono)
        if idle is None:
            return self._come_back(now) if self._away_since and not self._blocked() else None
        if idle >= self.threshold:
            self._mark_away(now - timedelta(seconds=idle), "idle")
            return None
        if self._blocked():
            return None
        return self._come_back(now - timedelta(seconds=idle))

    def locked(self) -> None:
        self._locked = True
        self._mark_away(self._wall(), "lock")

    def unlocked(self) -> AwayPeriod | None:
        self._locked = False
        return None if self._blocked() else self._come_back(self._wall())

    def suspending(self) -> None:
        self._asleep = True
        self._mark_away(self._wall(), "suspend")

    def resumed(self) -> AwayPeriod | None:
        self._asleep = False
        self._last = None  # the monotonic clock stood still: no double counting
        return None if self._blocked() else self._come_back(self._wall())

    # -- helpers ---------------------------------------------------------------------------
    def _blocked(self) -> bool:
        return self._locked or self._asleep

    def _mark_away(self, since: datetime, reason: str) -> None:
        if self._away_since is None or since < self._away_since:
            self._away_since = since
            self._reason = reason

    def _come_back(self, at: datetime) -> AwayPeriod | None:
        since, self._away_since = self._away_since, None
        if since is None or at <= since:
            return None
        if (at - since).total_seconds() < self.threshold:
            return None  # a short lock or a brief pause is not worth a question
        return AwayPeriod(since, at, self._reason)
