"""The "Welcome to Cadence" sample project, created once on the first run of an empty store."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.models import Project, Setting, Task
from app.services.tasks import TaskFields
from app.services.uow import read, write

if TYPE_CHECKING:
    from app.services.facade import Services

SETTING_KEY = "sample_project"
PROJECT_NAME = "Welcome to Cadence"


def sample_done(services: Services) -> bool:
    """True once the first-run check has happened (whether or not a sample was made)."""
    with read(services.store) as s:
        return s.get(Setting, SETTING_KEY) is not None


def ensure_sample_project(services: Services) -> bool:
    """On the very first run of an empty store, add the sample project; True if it did.

    A settings row remembers that the check happened, so deleting the project (or
    starting with imported data) never brings it back. It is not on the undo stack.
    """
    if sample_done(services):
        return False
    today = services.clock.today()
    with write(services.store, "Sample project", clock=services.clock, origin="system") as uow:
        s = uow.session
        if s.get(Setting, SETTING_KEY) is not None:
            return False
        empty = not s.scalar(select(func.count()).select_from(Task)) and not s.scalar(
            select(func.count()).select_from(Project))
        s.merge(Setting(key=SETTING_KEY, value=json.dumps({"created": empty})))
        if not empty:
            return False
        pid = services.projects.create_in(uow, PROJECT_NAME, color="#8e4ec6")
        add = services.tasks.create_in
        add(uow, TaskFields(
            title="Add a task: press Ctrl+N and type “Call Sam tomorrow 6pm @phone p2”",
            project_id=pid, priority=1,
            notes="Quick add understands dates (today, fri, next monday, dec 5, in 3 days), "
                  "times (9am, 18:30), #Project, @tag, p1–p4 for priority, ~30m for an "
                  "estimate and repeats (every monday, every month on the 15th). Words in "
                  "\"double quotes\" stay as typed."))
        add(uow, TaskFields(
            title="Drag this card to Done on the board (Ctrl+B switches list and board)",
            project_id=pid, status="in_progress",
            notes="Cards and rows can be dragged: between board columns to change status, "
                  "within a column or the list to reorder. The order is kept."))
        trip = add(uow, TaskFields(
            title="Plan a weekend trip (unfold me: it has subtasks)", project_id=pid,
            priority=3, due_date=today + timedelta(days=6),
            notes="Drop a row onto another to make it a subtask; Ctrl+] nests a task under "
                  "the one above, Ctrl+[ lifts it out again."))
        add(uow, TaskFields(title="Pick a destination", parent_id=trip, status="done"))
        add(uow, TaskFields(title="Book a place to stay", parent_id=trip))
        add(uow, TaskFields(title="Pack", parent_id=trip, estimate_minutes=30))
        add(uow, TaskFields(
            title="Water the plants (repeats every week)", project_id=pid,
            due_date=today, recurrence="FREQ=WEEKLY", tags=("home",),
            notes="Complete it (click the circle, or Space) and next week's one appears."))
        add(uow, TaskFields(
            title="Review today's plan", project_id=pid, priority=2, due_date=today,
            tags=("focus", "welcome"),
            notes="Due today, so it shows in Today (Ctrl+2). Search with Ctrl+F: try "
                  "“@focus due:today” and save it as a filter with Ctrl+Shift+S."))
        add(uow, TaskFields(
            title="Made a mistake? Ctrl+Z undoes it; Ctrl+K lists every command",
            project_id=pid, priority=4,
            notes="Delete this project from its right-click menu when you are done: "
                  "it will not come back."))
    return True
