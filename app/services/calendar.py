"""The calendar feature's services in one place (``services.calendar``), built on first use."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.models.calendar import Calendar, Event
from app.models.db import Store
from app.services.calendar_dto import RefreshResult
from app.services.clock import Clock
from app.services.snapshots import register_entity
from app.services.tasks import TaskService

if TYPE_CHECKING:
    from app.services.calendar_calendars import CalendarService
    from app.services.calendar_events import EventService
    from app.services.calendar_query import CalendarQuery
    from app.services.calendar_subscriptions import SubscriptionService
    from app.services.facade import Services
    from app.services.ics_export import IcsExporter
    from app.services.ics_import import IcsImporter

register_entity("calendar", Calendar)
register_entity("event", Event)


class CalendarServices:
    """Calendars, events, range queries, ICS import/export and subscriptions.

    Each part is imported when first used, so that ``cadence agenda`` does not pay for the
    importer, the exporter or the HTTP client."""

    def __init__(self, store: Store, clock: Clock, tasks: TaskService) -> None:
        self.store = store
        self.clock = clock
        self.tasks = tasks
        # Occurrences follow every ORM change of an event (undo included): install the hook.
        from app.services import calendar_occurrences  # noqa: F401

    @cached_property
    def calendars(self) -> CalendarService:
        from app.services.calendar_calendars import CalendarService

        return CalendarService(self.store, self.clock)

    @cached_property
    def events(self) -> EventService:
        from app.services.calendar_events import EventService

        return EventService(self.store, self.clock, self.calendars, self.tasks)

    @cached_property
    def query(self) -> CalendarQuery:
        from app.services.calendar_query import CalendarQuery

        return CalendarQuery(self.store, self.clock)

    @cached_property
    def ics(self) -> IcsImporter:
        from app.services.ics_import import IcsImporter

        return IcsImporter(self.store, self.clock, self.tasks)

    @cached_property
    def export(self) -> IcsExporter:
        from app.services.ics_export import IcsExporter

        return IcsExporter(self.store, self.clock, self.tasks)

    @cached_property
    def subscriptions(self) -> SubscriptionService:
        from app.services.calendar_subscriptions import SubscriptionService

        return SubscriptionService(self.store, self.clock, self.ics)


def refresh_due_subscriptions(services: Services) -> list[RefreshResult]:
    """Refresh every subscription whose interval has run out (call it on the DB worker)."""
    return services.calendar.subscriptions.refresh_due()
