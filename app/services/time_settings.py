"""Time-tracking preferences (idle threshold, Pomodoro lengths, export e-mail) in the store."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from app.errors import ValidationError
from app.models import Setting
from app.models.db import Store
from app.services.pomodoro import PomodoroConfig
from app.services.uow import read, write

KEY = "time_tracking"


@dataclass(frozen=True)
class TimeSettings:
    idle_minutes: int = 5  # 0 turns idle detection off
    pomodoro: PomodoroConfig = field(default_factory=PomodoroConfig)
    email: str = ""  # the Email column of CSV exports

    def checked(self) -> TimeSettings:
        if not isinstance(self.idle_minutes, int) or not 0 <= self.idle_minutes <= 240:
            raise ValidationError("The idle threshold must be 0 (off) to 240 minutes.")
        self.pomodoro.checked()
        return self


def load(store: Store) -> TimeSettings:
    with read(store) as s:
        row = s.get(Setting, KEY)
        raw: dict[str, Any] = json.loads(row.value) if row is not None else {}
    try:
        pomo = PomodoroConfig(**raw.get("pomodoro", {}))
        return TimeSettings(int(raw.get("idle_minutes", 5)), pomo,
                            str(raw.get("email", ""))).checked()
    except (TypeError, ValueError, ValidationError):
        return TimeSettings()  # a hand-edited, broken value must not stop the app


def save(store: Store, settings: TimeSettings, clock: Any) -> TimeSettings:
    settings.checked()
    value = json.dumps(asdict(settings), sort_keys=True)
    with write(store, "Change time-tracking settings", clock=clock) as uow:
        uow.session.merge(Setting(key=KEY, value=value))
    return settings
