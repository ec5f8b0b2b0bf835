"""import and export, with small registries so that other formats plug in (ICS, ...).

A feature adds a format from its own CLI module, at import time:

    register_importer(Importer("ics", matches=looks_like_ics, run=import_ics))
    register_exporter(Exporter("ics", run=export_ics, add_arguments=add_calendar_option))

``import FILE...`` asks each importer in turn whether it takes a file (by name and
first bytes); ``export --format NAME FILE`` runs the exporter of that name.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.cli.common import Context
from app.errors import ValidationError

STDOUT = "-"
_HEAD_BYTES = 4096


@dataclass(frozen=True)
class Importer:
    """Reads one kind of file into the store; run returns a one-line summary."""

    name: str
    matches: Callable[[Path, bytes], bool]  # (path, first bytes) → is this my kind of file?
    run: Callable[[Context, Path, argparse.Namespace], str]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


@dataclass(frozen=True)
class Exporter:
    """Writes the store (or part of it) to a path, or to stdout when path is None."""

    name: str  # the --format value
    run: Callable[[Context, Path | None, argparse.Namespace], str | None]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


IMPORTERS: list[Importer] = []
EXPORTERS: dict[str, Exporter] = {}


def register_importer(importer: Importer) -> None:
    IMPORTERS.append(importer)


def register_exporter(exporter: Exporter) -> None:
    EXPORTERS[exporter.name] = exporter


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export", help="write a backup (or another format) to FILE ('-' = stdout)")
    p.add_argument("--format", default=None, metavar="FORMAT",
                   help=f"one of: {', '.join(EXPORTERS)} (default: from FILE's extension, "
                        "else json)")
    p.add_argument("file", metavar="FILE")
    for exporter in EXPORTERS.values():
        if exporter.add_arguments is not None:
            exporter.add_arguments(p)
    p.set_defaults(run=export)

    p = subparsers.add_parser("import", help="load files (a JSON backup, ...) into the store")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    for importer in IMPORTERS:
        if importer.add_arguments is not None:
            importer.add_arguments(p)
    p.set_defaults(run=import_files)


def export(ctx: Context, args: argparse.Namespace) -> int:
    suffix = Path(args.file).suffix.lower().lstrip(".")
    fmt = args.format or (suffix if suffix in EXPORTERS else "json")
    exporter = EXPORTERS.get(fmt.lower())
    if exporter is None:
        raise ValidationError(
            f'Unknown export format "{fmt}"; use one of: {", ".join(EXPORTERS)}.')
    target = None if args.file == STDOUT else Path(args.file)
    message = exporter.run(ctx, target, args)
    if message and target is not None:
        ctx.print(message)
    return 0


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise ValidationError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror or exc}") from None


def import_files(ctx: Context, args: argparse.Namespace) -> int:
    chosen: list[tuple[Path, Importer]] = []
    for path in args.files:  # check every file's kind before importing any
        head = _head(path)
        importer = next((imp for imp in IMPORTERS if imp.matches(path, head)), None)
        if importer is None:
            kinds = ", ".join(imp.name for imp in IMPORTERS)
            raise ValidationError(f"Cannot tell what kind of file {path.name} is; "
                                  f"Cadence imports: {kinds}.")
        chosen.append((path, importer))
    for path, importer in chosen:
        ctx.print(importer.run(ctx, path, args))
    return 0


# -- the JSON backup ---------------------------------------------------------------------


def _is_json_backup(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".json" or head.lstrip().startswith(b"{")


def _import_json(ctx: Context, path: Path, args: argparse.Namespace) -> str:  # noqa: ARG001
    from app.services.backup import import_backup

    summary = import_backup(ctx.services, path)
    return f"Imported {summary.describe()} from {path.name}."


def _export_json(ctx: Context, path: Path | None, args: argparse.Namespace) -> str:  # noqa: ARG001
    from app.services.backup import export_backup

    if path is None:
        export_backup(ctx.services, ctx.out)
        return ""
    summary = export_backup(ctx.services, path)
    return f"Exported {summary.describe()} to {path}."


register_importer(Importer("JSON backup (.json)", _is_json_backup, _import_json))
register_exporter(Exporter("json", _export_json))
