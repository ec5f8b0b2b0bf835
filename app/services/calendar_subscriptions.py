"""ICS subscriptions: a URL becomes a read-only calendar, refreshed in the background.

A refresh sends a conditional GET; a 304 or a byte-identical body costs almost nothing,
a changed feed is re-imported with per-component hashes and events that left the feed are
tombstoned. Any failure (network, 404/410, HTML or garbage instead of ICS) is recorded on
the calendar and the stored events stay as they were: the last good copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from app.errors import NotFoundError, ValidationError
from app.models.calendar import Calendar
from app.models.db import Store
from app.services.calendar_calendars import find_by_name, new_calendar
from app.services.calendar_dto import CalendarDTO, RefreshResult
from app.services.clock import Clock
from app.services.ics_import import IcsImporter
from app.services.uow import read, write
from app.sync.ics_subscription import (
    DEFAULT_INTERVAL,
    MAX_INTERVAL,
    BadUrl,
    FetchResult,
    fetch,
    normalize_url,
    refresh_interval,
)

Fetcher = Callable[..., FetchResult]


class SubscriptionService:
    def __init__(self, store: Store, clock: Clock, importer: IcsImporter,
                 fetcher: Fetcher = fetch) -> None:
        self.store = store
        self.clock = clock
        self.importer = importer
        self.fetcher = fetcher

    def subscribe(self, url: str, name: str, *, color: str | None = None,
                  refresh_now: bool = True) -> RefreshResult:
        """Create a read-only calendar for the feed and (by default) fetch it once."""
        try:
            clean = normalize_url(url)
        except BadUrl as exc:
            raise ValidationError(str(exc)) from exc
        with write(self.store, "Subscribe to calendar", clock=self.clock) as uow:
            if find_by_name(uow.session, name) is not None:
                raise ValidationError(f"A calendar named {name!r} already exists.")
            cal = new_calendar(uow, name, color=color, source_url=url.strip() or clean,
                               refresh_minutes=int(DEFAULT_INTERVAL.total_seconds() // 60))
            cal.read_only = True
            cal_id, cal_name = cal.id, cal.name
        if not refresh_now:
            return RefreshResult(cal_id, cal_name, "unchanged", next_due=self.clock.now())
        return self.refresh(cal_id)

    def subscribed(self) -> list[CalendarDTO]:
        from app.services.calendar_calendars import to_dto

        with read(self.store) as s:
            cals = s.scalars(select(Calendar).where(Calendar.deleted_at.is_(None),
                                                    Calendar.source_url.is_not(None))).all()
            return [to_dto(c) for c in cals]

    @staticmethod
    def next_due_of(cal: CalendarDTO | Calendar, last_attempt: datetime | None) -> datetime | None:
        minutes = cal.refresh_minutes or int(DEFAULT_INTERVAL.total_seconds() // 60)
        return None if last_attempt is None else last_attempt + timedelta(minutes=minutes)

    def next_due(self) -> datetime | None:
        """When the next subscription wants a refresh (now or past = due); None = none."""
        with read(self.store) as s:
            rows = s.execute(select(Calendar.last_attempt, Calendar.refresh_minutes).where(
                Calendar.deleted_at.is_(None), Calendar.source_url.is_not(None))).all()
        if not rows:
            return None
        now = self.clock.now()
        dues = [now if at is None else at + timedelta(
            minutes=minutes or int(DEFAULT_INTERVAL.total_seconds() // 60)) for at, minutes in rows]
        return min(dues)

    def refresh_due(self) -> list[RefreshResult]:
        now = self.clock.now()
        with read(self.store) as s:
            cals = s.scalars(select(Calendar).where(Calendar.deleted_at.is_(None),
                                                    Calendar.source_url.is_not(None))).all()
            due = [c.id for c in cals
                   if c.last_attempt is None or (self.next_due_of(c, c.last_attempt) or now) <= now]
        return [self.refresh(cid) for cid in due]

    def refresh(self, calendar_id: str, *, force: bool = False) -> RefreshResult:
        with read(self.store) as s:
            cal = s.get(Calendar, calendar_id)
            if cal is None or cal.deleted_at is not None or not cal.source_url:
                raise NotFoundError(f"No subscribed calendar with id {calendar_id}")
            url, name, etag, modified, digest = (cal.source_url, cal.name, cal.etag,
                                                 cal.last_modified, cal.content_hash)
        try:
            got = self.fetcher(url, etag=None if force else etag,
                               last_modified=None if force else modified)
        except BadUrl as exc:
            got = FetchResult("error", url, error=str(exc))
        now = self.clock.now()
        values: dict[str, Any] = {"last_attempt": now}
        if got.moved_to:
            values["source_url"] = got.moved_to
        if got.status == "error":
            values["last_error"] = got.error
            if got.gone:
                values["refresh_minutes"] = int(MAX_INTERVAL.total_seconds() // 60)
            return self._done(calendar_id, name, "error", values, error=got.error)
        values.update(last_error=None, last_fetched=now)
        if got.status == "ok":
            values.update(etag=got.etag, last_modified=got.last_modified)
        else:
            values.update({k: v for k, v in (("etag", got.etag),
                                             ("last_modified", got.last_modified)) if v})
        if got.status == "not_modified" or got.body is None:
            return self._done(calendar_id, name, "unchanged", values)
        body = got.body
        interval = refresh_interval(body) or DEFAULT_INTERVAL
        values["refresh_minutes"] = int(interval.total_seconds() // 60)
        new_digest = hashlib.sha256(body).hexdigest()
        if new_digest == digest and not force:
            return self._done(calendar_id, name, "unchanged", values)
        summary = self.importer.import_bytes(body, source=name, calendar_id=calendar_id,
                                             origin="sync", prune=True)
        if summary.error is not None:
            values["last_error"] = f"The feed could not be read: {summary.error}"
            values.pop("last_fetched")
            values.pop("etag", None)
            values.pop("last_modified", None)
            return self._done(calendar_id, name, "error", values, error=values["last_error"])
        values["content_hash"] = new_digest
        status = "updated" if summary.added or summary.updated or summary.removed else "unchanged"
        return self._done(calendar_id, name, status, values, summary=summary)

    def _done(self, calendar_id: str, name: str, status: str, values: dict[str, Any], *,
              error: str | None = None, summary: Any = None) -> RefreshResult:
        # Bookkeeping, not user data: written without a change-log entry.
        with write(self.store, "Refresh subscription", clock=self.clock,
                   origin="sync") as uow:
            uow.session.execute(update(Calendar).where(Calendar.id == calendar_id)
                                .values(**values))
            cal = uow.session.get(Calendar, calendar_id)
            assert cal is not None
            uow.session.refresh(cal)
            due = self.next_due_of(cal, cal.last_attempt)
        return RefreshResult(calendar_id, name, status, error=error, summary=summary,
                             next_due=due)
