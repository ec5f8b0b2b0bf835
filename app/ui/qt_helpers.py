"""Tiny typed helpers for building widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(obj: W, name: str) -> W:
    """Give obj an objectName (for tests, style sheets and accessibility) and return it."""
    obj.setObjectName(name)
    return obj
