"""Idle detection through the IdleSource interface with a fake clock; once with real X11."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest

from app.services.idle import AwayPeriod, FakeIdleSource, IdleWatcher

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


class FakeClock:
    """Wall and monotonic time moving together, unless the machine 'sleeps'."""

    def __init__(self) -> None:
        self.wall_now = T0
        self.mono_now = 1000.0

    def advance(self, seconds: float, *, asleep: bool = False) -> None:
        self.wall_now += timedelta(seconds=seconds)
        if not asleep:
            self.mono_now += seconds

    def wall(self) -> datetime:
        return self.wall_now

    def mono(self) -> float:
        return self.mono_now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def watcher(clock: FakeClock, source: FakeIdleSource | None, threshold: float = 300
            ) -> IdleWatcher:
    return IdleWatcher(source, threshold, wall=clock.wall, mono=clock.mono)


def run(clock: FakeClock, w: IdleWatcher, source: FakeIdleSource, steps: list[float],
        every: float = 5) -> list[AwayPeriod]:
    """Poll every ``every`` seconds; ``steps`` are the idle readings."""
    found = []
    for reading in steps:
        clock.advance(every)
        source.idle = reading
        period = w.poll()
        if period is not None:
            found.append(period)
    return found


def test_short_pauses_are_not_reported(clock):
    source = FakeIdleSource()
    w = watcher(clock, source)
    assert run(clock, w, source, [5, 10, 120, 299, 0.5, 2]) == []


def test_coming_back_after_the_threshold_reports_the_idle_period_once(clock):
    source = FakeIdleSource()
    w = watcher(clock, source)
    idle_from = clock.wall_now  # the last input was right now
    readings = [5.0 * i for i in range(1, 80)]  # idle for 395 s
    assert run(clock, w, source, readings) == []
    assert w.away_since == idle_from
    back = run(clock, w, source, [1.0, 3.0, 8.0])
    assert back == [AwayPeriod(idle_from, idle_from + timedelta(seconds=400 - 1), "idle")]
    assert back[0].seconds == 399
    assert w.away_since is None


def test_reset_forgets_an_away_period(clock):
    source = FakeIdleSource()
    w = watcher(clock, source)
    run(clock, w, source, [400])
    w.reset()
    assert run(clock, w, source, [1]) == []


def test_a_suspend_is_noticed_from_the_clocks_alone(clock):
    w = watcher(clock, None)  # no platform source at all
    assert w.poll() is None
    clock.advance(5)
    assert w.poll() is None
    before = clock.wall_now
    clock.advance(3600, asleep=True)  # the lid was closed for an hour
    period = w.poll()
    assert period == AwayPeriod(before, clock.wall_now, "suspend")


def test_logind_suspend_and_resume_events(clock):
    source = FakeIdleSource(0)
    w = watcher(clock, source)
    w.suspending()
    start = clock.wall_now
    clock.advance(900, asleep=True)
    source.idle = 0.0
    period = w.resumed()
    assert period == AwayPeriod(start, start + timedelta(seconds=900), "suspend")
    assert w.poll() is None  # the clock jump is not counted a second time


def test_screen_lock_waits_for_unlock(clock):
    source = FakeIdleSource(0)
    w = watcher(clock, source)
    w.locked()
    start = clock.wall_now
    # While locked, even a fresh input reading (someone moved the mouse) is not a return.
    assert run(clock, w, source, [0.0] * 100) == []
    period = w.unlocked()
    assert period is not None and period.start == start and period.reason == "lock"
    assert period.seconds == 500


def test_short_lock_is_ignored(clock):
    w = watcher(clock, FakeIdleSource(0))
    w.locked()
    clock.advance(60)
    assert w.unlocked() is None


def test_idle_before_lock_counts_from_the_last_input(clock):
    source = FakeIdleSource()
    w = watcher(clock, source)
    run(clock, w, source, [100, 200, 310])
    went_idle = clock.wall_now - timedelta(seconds=310)
    w.locked()
    clock.advance(600)
    period = w.unlocked()
    assert period is not None and period.start == went_idle and period.reason == "idle"


@pytest.mark.desktop
def test_real_x11_idle_source_is_reset_by_xdotool_input():
    from app.services.idle_sources import X11IdleSource, detect_idle_source

    source = detect_idle_source({"DISPLAY": os.environ["DISPLAY"]})
    assert isinstance(source, X11IdleSource)
    try:
        subprocess.run(["xdotool", "mousemove", "5", "5"], check=True)
        time.sleep(1.2)
        before = source.idle_seconds()
        assert before is not None and before >= 1.0
        subprocess.run(["xdotool", "mousemove", "50", "60"], check=True)
        after = source.idle_seconds()
        assert after is not None and after < 0.5
        # The same source drives the watcher: a threshold of 1 s sees the user away and back.
        w = IdleWatcher(source, threshold=1.0)
        time.sleep(1.3)
        assert w.poll() is None and w.away_since is not None
        subprocess.run(["xdotool", "key", "shift"], check=True)
        period = w.poll()
        assert period is not None and period.reason == "idle" and period.seconds >= 1
    finally:
        source.close()
    assert source.idle_seconds() is None
