"""Pomodoro phases (25/5/15 x4 by default) as a pure state machine driven by the caller's clock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.errors import ValidationError

IDLE, WORK, SHORT_BREAK, LONG_BREAK = "idle", "work", "short_break", "long_break"
PHASE_LABELS = {
    IDLE: "Pomodoro off", WORK: "Focus", SHORT_BREAK: "Short break", LONG_BREAK: "Long break",
}


@dataclass(frozen=True)
class PomodoroConfig:
    work_minutes: int = 25
    short_break_minutes: int = 5
    long_break_minutes: int = 15
    cycles: int = 4  # focus sessions before a long break

    def checked(self) -> PomodoroConfig:
        for name, value, top in (("Focus", self.work_minutes, 240),
                                 ("Short break", self.short_break_minutes, 120),
                                 ("Long break", self.long_break_minutes, 240),
                                 ("Sessions before a long break", self.cycles, 12)):
            if not isinstance(value, int) or not 1 <= value <= top:
                raise ValidationError(f"{name} must be a whole number from 1 to {top}.")
        return self

    def minutes(self, phase: str) -> int:
        return {WORK: self.work_minutes, SHORT_BREAK: self.short_break_minutes,
                LONG_BREAK: self.long_break_minutes}.get(phase, 0)


@dataclass(frozen=True)
class PomodoroState:
    phase: str = IDLE
    started: datetime | None = None
    done: int = 0  # focus sessions finished in this set

    def ends(self, config: PomodoroConfig) -> datetime | None:
        if self.started is None or self.phase == IDLE:
            return None
        return self.started + timedelta(minutes=config.minutes(self.phase))

    def remaining(self, config: PomodoroConfig, now: datetime) -> int:
        end = self.ends(config)
        return 0 if end is None else max(0, int((end - now).total_seconds()))


@dataclass(frozen=True)
class PhaseChange:
    old: str
    new: str
    at: datetime
    summary: str  # for the notification title
    body: str


class Pomodoro:
    """Start, skip, stop and ``tick``; every phase change is returned for the tray/notifier."""

    def __init__(self, config: PomodoroConfig | None = None) -> None:
        self.config = (config or PomodoroConfig()).checked()
        self.state = PomodoroState()

    @property
    def active(self) -> bool:
        return self.state.phase != IDLE

    def configure(self, config: PomodoroConfig) -> None:
        self.config = config.checked()

    def start(self, now: datetime) -> PhaseChange:
        return self._go(WORK, now, done=0 if not self.active else self.state.done)

    def stop(self, now: datetime) -> PhaseChange:
        return self._go(IDLE, now, done=0)

    def skip(self, now: datetime) -> PhaseChange:
        """End the current phase now and move to the next one."""
        if not self.active:
            return self.start(now)
        return self._advance(now)

    def tick(self, now: datetime) -> list[PhaseChange]:
        """Phases that ended by ``now`` (several if the machine slept through them)."""
        changes: list[PhaseChange] = []
        while self.active:
            end = self.state.ends(self.config)
            if end is None or end > now:
                break
            changes.append(self._advance(end))
        return changes

    def _advance(self, at: datetime) -> PhaseChange:
        phase, done = self.state.phase, self.state.done
        if phase == WORK:
            done += 1
            nxt = LONG_BREAK if done >= self.config.cycles else SHORT_BREAK
        elif phase == SHORT_BREAK:
            nxt = WORK
        else:  # the long break ends the set
            nxt, done = IDLE, 0
        return self._go(nxt, at, done=done)

    def _go(self, phase: str, at: datetime, *, done: int) -> PhaseChange:
        old = self.state.phase
        self.state = replace(self.state, phase=phase, started=None if phase == IDLE else at,
                             done=done)
        return PhaseChange(old, phase, at, *self._texts(old, phase))

    def _texts(self, old: str, new: str) -> tuple[str, str]:
        c = self.config
        if new == WORK:
            n = self.state.done + 1
            return ("Focus", f"Session {n} of {c.cycles}: {c.work_minutes} minutes of focus.")
        if new == SHORT_BREAK:
            return ("Short break", f"Well done. Take {c.short_break_minutes} minutes off.")
        if new == LONG_BREAK:
            return ("Long break", f"{c.cycles} sessions done. Take {c.long_break_minutes} minutes.")
        if old == LONG_BREAK:
            return ("Pomodoro finished", "The set is complete.")
        return ("Pomodoro stopped", "")
