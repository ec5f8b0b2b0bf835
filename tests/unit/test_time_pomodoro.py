"""Pomodoro phases: 25/5/15 x4 by default, configurable, catching up after a sleep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.errors import ValidationError
from app.services.pomodoro import (
    IDLE,
    LONG_BREAK,
    SHORT_BREAK,
    WORK,
    Pomodoro,
    PomodoroConfig,
)
from app.services.time_settings import TimeSettings, load, save

T0 = datetime(2026, 11, 28, 9, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_default_cycle_of_four_sessions_then_a_long_break():
    p = Pomodoro()
    change = p.start(T0)
    assert (change.old, change.new, change.summary) == (IDLE, WORK, "Focus")
    assert p.state.remaining(p.config, minutes(10)) == 15 * 60
    phases = []
    for t in range(1, 200):
        phases += [(c.new, c.at) for c in p.tick(minutes(t))]
    assert phases == [
        (SHORT_BREAK, minutes(25)), (WORK, minutes(30)),
        (SHORT_BREAK, minutes(55)), (WORK, minutes(60)),
        (SHORT_BREAK, minutes(85)), (WORK, minutes(90)),
        (LONG_BREAK, minutes(115)), (IDLE, minutes(130)),
    ]
    assert not p.active


def test_tick_catches_up_after_the_machine_slept():
    p = Pomodoro(PomodoroConfig(work_minutes=50, short_break_minutes=10, long_break_minutes=30,
                                cycles=2))
    p.start(T0)
    changes = p.tick(minutes(125))
    assert [(c.new, c.at) for c in changes] == [
        (SHORT_BREAK, minutes(50)), (WORK, minutes(60)), (LONG_BREAK, minutes(110))]
    assert p.state.phase == LONG_BREAK and p.state.remaining(p.config, minutes(125)) == 15 * 60


def test_skip_and_stop():
    p = Pomodoro()
    assert p.skip(T0).new == WORK  # skip when off starts
    skipped = p.skip(minutes(3))
    assert skipped.new == SHORT_BREAK and "Take 5 minutes off" in skipped.body
    assert p.skip(minutes(4)).new == WORK
    assert p.stop(minutes(5)).new == IDLE and p.state.started is None


@pytest.mark.parametrize("config", [
    PomodoroConfig(work_minutes=0), PomodoroConfig(short_break_minutes=500),
    PomodoroConfig(cycles=0),
])
def test_bad_configs_are_refused(config):
    with pytest.raises(ValidationError, match="must be a whole number"):
        Pomodoro(config)


def test_settings_round_trip_through_the_store(services):
    assert load(services.store) == TimeSettings()
    custom = TimeSettings(idle_minutes=10, pomodoro=PomodoroConfig(50, 10, 30, 2), email="a@b")
    save(services.store, custom, services.clock)
    assert load(services.store) == custom
    with pytest.raises(ValidationError, match="idle threshold"):
        save(services.store, TimeSettings(idle_minutes=-1), services.clock)
    assert load(services.store) == custom
