"""The planned triggers of the current window in memory, by target, thread-safe."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from app.services.reminder_dto import Key, Target, Trigger


class TriggerIndex:
    """Triggers firing in [lo, hi], replaced wholesale (full plan) or per target (an edit).

    Windows hold hundreds of triggers, so ``earliest``/``due`` are linear scans over a
    dict of small lists: microseconds, and no ordering structure to keep in step.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_target: dict[Target, list[Trigger]] = {}
        self.lo: datetime | None = None
        self.hi: datetime | None = None

    @property
    def planned(self) -> bool:
        return self.hi is not None

    def replace_all(self, triggers: Iterable[Trigger], lo: datetime, hi: datetime) -> None:
        grouped: dict[Target, list[Trigger]] = {}
        for trig in triggers:
            grouped.setdefault(trig.target, []).append(trig)
        with self._lock:
            self._by_target = grouped
            self.lo, self.hi = lo, hi

    def replace_targets(self, fresh: dict[Target, list[Trigger]]) -> None:
        with self._lock:
            for target, triggers in fresh.items():
                if triggers:
                    self._by_target[target] = list(triggers)
                else:
                    self._by_target.pop(target, None)

    def put(self, trigger: Trigger) -> None:
        """Add or replace one trigger (a snooze)."""
        with self._lock:
            rest = [t for t in self._by_target.get(trigger.target, []) if t.key != trigger.key]
            self._by_target[trigger.target] = [*rest, trigger]

    def discard(self, items: Iterable[tuple[Target, Key]]) -> None:
        """Drop triggers by (target, key): they fired, or were dismissed."""
        by_target: dict[Target, set[Key]] = {}
        for target, key in items:
            by_target.setdefault(target, set()).add(key)
        with self._lock:
            for target, gone in by_target.items():
                rest = [t for t in self._by_target.get(target, []) if t.key not in gone]
                if rest:
                    self._by_target[target] = rest
                else:
                    self._by_target.pop(target, None)

    def due(self, now: datetime) -> list[Trigger]:
        with self._lock:
            found = [t for ts in self._by_target.values() for t in ts if t.at <= now]
        return sorted(found, key=lambda t: (t.at, t.title))

    def earliest(self) -> datetime | None:
        with self._lock:
            return min((t.at for ts in self._by_target.values() for t in ts), default=None)

    def all(self) -> list[Trigger]:
        with self._lock:
            found = [t for ts in self._by_target.values() for t in ts]
        return sorted(found, key=lambda t: (t.at, t.title))

    def __len__(self) -> int:
        with self._lock:
            return sum(len(ts) for ts in self._by_target.values())
