"""One object that opens the store and hands out every service (the UI and CLI entry point)."""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app import paths
from app.models.db import Store, open_store
from app.services.clock import Clock
from app.services.history import HistoryService
from app.services.projects import FilterService, ProjectService, TagService
from app.services.tasks import TaskService

if TYPE_CHECKING:
    from app.services.calendar import CalendarServices
    from app.services.reminders import ReminderService

# Feature modules that put their entities under undo and audit (snapshots.register_entity)
# or hook ORM events of them. History imports them all before it replays the change log,
# so that undo never depends on which features happened to be imported before.
UNDO_MODULES = (
    "app.services.time_dto",  # time_entry
    "app.services.reminder_rules",  # reminder_rule
    "app.services.calendar",  # calendar, event
    "app.services.calendar_occurrences",  # keeps occurrences in step with event rows
)


def register_undo_entities() -> None:
    """Import every module of UNDO_MODULES (cheap once imported)."""
    for name in UNDO_MODULES:
        importlib.import_module(name)


@dataclass
class Services:
    """The core services at once; history, the calendar and reminders on first use (from
    any thread: built once under a lock), so a CLI command that needs none of them does
    not import them."""

    store: Store
    clock: Clock = field(default_factory=Clock)

    def __post_init__(self) -> None:
        self.tasks = TaskService(self.store, self.clock)
        self.projects = ProjectService(self.store, self.clock)
        self.tags = TagService(self.store, self.clock)
        self.filters = FilterService(self.store, self.clock)
        self._lock = threading.RLock()
        self._history: HistoryService | None = None
        self._calendar: CalendarServices | None = None
        self._reminders: ReminderService | None = None

    @property
    def history(self) -> HistoryService:
        with self._lock:
            if self._history is None:
                register_undo_entities()
                self._history = HistoryService(self.store, self.clock)
            return self._history

    @property
    def calendar(self) -> CalendarServices:
        with self._lock:
            if self._calendar is None:
                from app.services.calendar import CalendarServices

                self._calendar = CalendarServices(self.store, self.clock, self.tasks)
            return self._calendar

    @property
    def reminders(self) -> ReminderService:
        with self._lock:
            if self._reminders is None:
                from app.services.reminders import ReminderService

                self._reminders = ReminderService(self.store, self.clock)
            return self._reminders

    @classmethod
    def open(cls, data_dir: Path | None = None, *, clock: Clock | None = None) -> Services:
        """Open the store in data_dir (default: the user data dir), migrating if needed."""
        folder = data_dir or paths.default_data_dir()
        store = open_store(paths.database_path(folder))
        return cls(store, clock or Clock())

    def close(self) -> None:
        self.store.close()
