"""The ``cadence`` command: the GUI by default, subcommands for scripting.

Subcommands live in modules listed in COMMAND_MODULES; each exposes
``register(subparsers)`` and sets ``run=handler`` on its parsers, where a handler is
``(Context, argparse.Namespace) -> int``. A new feature adds one line to the list.
Known problems (``UserFacingError``, usage errors) exit 2 with one line on stderr;
anything else is a bug and keeps its traceback. Command modules stay cheap to import
(services and SQLAlchemy load inside the handlers): every run builds the whole parser.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__, paths
from app.cli.common import Context, Parser, UsageError
from app.errors import UserFacingError

if TYPE_CHECKING:
    from app.services.clock import Clock

COMMAND_MODULES = [
    "app.cli.tasks",
    "app.cli.edit",
    "app.cli.history",
    "app.cli.catalog",
    "app.cli.transfer",
    "app.cli.reminders",
    "app.cli.time",
    "app.cli.calendar",
    "app.cli.stats",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    # Import every command module first: a module may register formats with another
    # (the calendar adds an ICS importer to transfer) before any parser is built.
    modules = [importlib.import_module(name) for name in COMMAND_MODULES]
    parser = Parser(
        prog="cadence",
        description="Cadence, a local-first planner. Without a command, opens the app.",
    )
    _data_dir_option(parser)
    _minimized_option(parser)
    parser.add_argument("--version", action="version", version=f"cadence {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check that this installation works, then exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=Parser)
    for module in modules:
        module.register(subparsers)
    for sub in subparsers.choices.values():  # also accepted after the command name
        _data_dir_option(sub)
    return parser


def _minimized_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minimized", action="store_true",
                        help="open the app in the system tray (or minimised where there is "
                             "no tray), as a start at login does")


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help="where the database lives (default: $CADENCE_DATA_DIR or the "
                             "user data folder)")


def _fail(message: str, prefix: str = "cadence: ") -> int:
    line = " ".join(str(message).split()) or "unknown error"
    sys.stderr.write(f"{prefix}{line}\n")
    return EXIT_BAD_INPUT


def _app_only(args_list: list[str]) -> Path | None:
    """The data dir when the arguments only open the app (no command; --data-dir at most):
    it then starts without importing every command module. None: parse them all."""
    pre = Parser(prog="cadence", add_help=False)
    _data_dir_option(pre)
    _minimized_option(pre)
    try:
        args, rest = pre.parse_known_args(args_list)
    except UsageError:
        return None
    if rest:
        return None
    data_dir: Path = getattr(args, "data_dir", None) or paths.default_data_dir()
    return data_dir


def _run_gui(data_dir: Path, args_list: list[str]) -> int:
    ui: Any = importlib.import_module("app.ui.app")
    minimized = "--minimized" in args_list
    qt_args = [a for a in args_list if a != "--minimized"]
    return int(ui.run_gui(data_dir, qt_args, minimized=minimized))


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run the command line; returns the exit status. ``clock`` is for tests."""
    args_list = sys.argv[1:] if argv is None else list(argv)
    if args_list == ["--version"]:  # answered before any command module is imported
        sys.stdout.write(f"cadence {__version__}\n")
        return EXIT_OK
    gui_dir = _app_only(args_list)
    if gui_dir is not None:
        return _run_gui(gui_dir, args_list)
    try:
        args = build_parser().parse_args(args_list)
    except UsageError as exc:
        return _fail(str(exc), prefix="")  # already names the program
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    if args.self_test:
        selftest: Any = importlib.import_module("app.selftest")
        return int(selftest.run())
    data_dir = getattr(args, "data_dir", None) or paths.default_data_dir()
    if args.command is None:
        return _run_gui(data_dir, args_list)
    ctx = Context(data_dir=data_dir, clock=clock)
    try:
        return int(args.run(ctx, args))
    except UserFacingError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        # The reader went away (cadence list | head): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        ctx.close()


def gui_main() -> int:
    """Entry point of the windowed launcher (cadence-gui): same options as cadence."""
    return main()
