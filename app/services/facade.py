"""One object that opens the store and hands out every service (the UI and CLI entry point)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app import paths
from app.models.db import Store, open_store
from app.services.calendar import CalendarServices
from app.services.clock import Clock
from app.services.history import HistoryService
from app.services.projects import FilterService, ProjectService, TagService
from app.services.reminders import ReminderService
from app.services.tasks import TaskService


@dataclass
class Services:
    store: Store
    clock: Clock = field(default_factory=Clock)

    def __post_init__(self) -> None:
        self.tasks = TaskService(self.store, self.clock)
        self.projects = ProjectService(self.store, self.clock)
        self.tags = TagService(self.store, self.clock)
        self.filters = FilterService(self.store, self.clock)
        self.history = HistoryService(self.store, self.clock)
        self.calendar = CalendarServices(self.store, self.clock, self.tasks)
        self.reminders = ReminderService(self.store, self.clock)

    @classmethod
    def open(cls, data_dir: Path | None = None, *, clock: Clock | None = None) -> Services:
        """Open the store in data_dir (default: the user data dir), migrating if needed."""
        folder = data_dir or paths.default_data_dir()
        store = open_store(paths.database_path(folder))
        return cls(store, clock or Clock())

    def close(self) -> None:
        self.store.close()
