"""Errors a user can act on (bad input, locked or corrupt store, full disk) as opposed to bugs."""

from __future__ import annotations


class UserFacingError(Exception):
    """A problem the user can understand and fix; the message is shown as-is (one line)."""


class ValidationError(UserFacingError):
    """Input that cannot be stored: empty title, impossible date, malformed filter."""


class NotFoundError(UserFacingError):
    """An id or name that does not exist (or was deleted)."""


class ConflictError(UserFacingError):
    """The operation contradicts stored state: overlapping entries, a second running timer."""


class StoreError(UserFacingError):
    """The database file cannot be used: locked, corrupt, read-only, full disk, too new."""


class StoreTooNewError(StoreError):
    """The database was written by a newer Cadence; we refuse to touch it."""


class NothingToUndoError(UserFacingError):
    """Undo or redo was asked for with an empty stack."""
