"""Declarative base and column types: UUID text keys, UTC instants, sync-ready timestamps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Fixed-width text so that string order is time order, in SQL as in Python.
UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def new_id() -> str:
    """A random UUID as 32 hex digits: the primary key of every synced entity."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_utc_text(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime given where a UTC instant is required")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_utc_text(value: str) -> datetime:
    return datetime.fromisoformat(value)  # 3.11 reads the trailing "Z" as UTC


class UTCDateTime(TypeDecorator[datetime]):
    """An aware instant stored as fixed-width UTC text (``2026-11-28T08:00:00.000000Z``)."""

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        return None if value is None else to_utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        return None if value is None else from_utc_text(str(value))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
