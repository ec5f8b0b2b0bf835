"""Undo and redo of the latest change, from the same history as the app's Ctrl+Z."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import Context


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("undo", help="undo the latest change")
    p.set_defaults(run=undo)
    p = subparsers.add_parser("redo", help="redo the latest undone change")
    p.set_defaults(run=redo)


def undo(ctx: Context, args: argparse.Namespace) -> int:  # noqa: ARG001
    ctx.print(f"Undone: {ctx.services.history.undo()}")
    return 0


def redo(ctx: Context, args: argparse.Namespace) -> int:  # noqa: ARG001
    ctx.print(f"Redone: {ctx.services.history.redo()}")
    return 0
