"""cadence export/import, the format registries, and unusable database files."""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from app.cli import main, transfer
from app.cli.common import Context
from app.services.clock import Clock


class Run(Protocol):
    def __call__(self, *args: str, folder: Path = ...) -> tuple[int, str, str]: ...


@pytest.fixture
def run(data_dir: Path, clock: Clock, capsys: pytest.CaptureFixture[str]) -> Run:
    def go(*args: str, folder: Path = data_dir) -> tuple[int, str, str]:
        code = main(["--data-dir", str(folder), *args], clock=clock)
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_export_import_round_trip(run: Run, tmp_path: Path) -> None:
    assert run("add", "Pay rent tomorrow 9am #Home @bills p1", "--create-project")[0] == 0
    assert run("add", "Buy milk")[0] == 0
    path = tmp_path / "backup.json"
    code, out, err = run("export", "--format", "json", str(path))
    assert (code, err) == (0, "")
    assert out == f"Exported 1 project, 1 tag, 2 tasks to {path}.\n"
    code, stdout_copy, _ = run("export", "-")  # json is the default format
    assert code == 0 and stdout_copy == path.read_text(encoding="utf-8")
    other = tmp_path / "other"
    code, out, _ = run("import", str(path), folder=other)
    assert (code, out) == (0, "Imported 1 project, 1 tag, 2 tasks from backup.json.\n")
    again = tmp_path / "again.json"
    assert run("export", str(again), folder=other)[0] == 0
    assert again.read_bytes() == path.read_bytes()


def test_import_by_content_without_extension(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    run("add", "Something")
    run("export", str(path))
    renamed = tmp_path / "BACKUP"
    renamed.write_bytes(path.read_bytes())
    assert run("import", str(renamed), folder=tmp_path / "o")[0] == 0


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.txt", "hello", "cadence: Cannot tell what kind of file notes.txt is; "
                           "Cadence imports: JSON backup (.json)"),  # (then other formats)
    ("bad.json", "{oops", "cadence: bad.json is not valid JSON (line 1, column 2"),
    ("old.json", '{"format": "cadence-backup", "version": 9}',
     "cadence: old.json: written by a newer Cadence (backup version 9)"),
    ("el.json", '{"format": "cadence-backup", "version": 1, "tasks": [{"id": "x"}]}',
     'cadence: el.json: tasks[0]: "ics_uid" is missing.'),
])
def test_bad_import_files(run: Run, tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    code, out, err = run("import", str(path))
    assert (code, out, err.count("\n")) == (2, "", 1)
    assert err.startswith(message), err


def test_import_checks_every_file_kind_before_importing_any(run: Run, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    run("add", "One")
    run("export", str(good))
    code, _, err = run("import", str(good), str(tmp_path / "missing.json"),
                       folder=tmp_path / "fresh")
    assert code == 2 and "No such file" in err
    code, out, _ = run("list", "--json", folder=tmp_path / "fresh")
    assert json.loads(out) == []


def test_import_of_a_folder(run: Run, tmp_path: Path) -> None:
    code, _, err = run("import", str(tmp_path))
    assert code == 2 and "is a folder, not a file" in err


def test_unknown_export_format_and_unwritable_target(run: Run, tmp_path: Path) -> None:
    code, _, err = run("export", "--format", "xlsx", str(tmp_path / "x.xlsx"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith('cadence: Unknown export format "xlsx"; use one of: json')
    code, _, err = run("export", str(tmp_path / "missing" / "x.json"))
    assert code == 2 and err.startswith("cadence: Cannot write")


@pytest.fixture
def csv_format() -> Iterator[list[str]]:
    """A toy format plugged in through the registries, as the calendar will plug in ICS."""
    seen: list[str] = []

    def add_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--column", default="title")

    def run_import(ctx: Context, path: Path, args: argparse.Namespace) -> str:
        seen.append(f"import {path.name} {args.column}")
        return "imported csv"

    def run_export(ctx: Context, path: Path | None, args: argparse.Namespace) -> str:
        seen.append(f"export {path} {args.column}")
        return "exported csv"

    importer = transfer.Importer("CSV (.csv)", lambda p, _head: p.suffix == ".csv", run_import,
                                 add_options)
    exporter = transfer.Exporter("csv", run_export, add_options)
    transfer.register_importer(importer)
    transfer.register_exporter(exporter)
    yield seen
    transfer.IMPORTERS.remove(importer)
    del transfer.EXPORTERS["csv"]


def test_formats_plug_in_with_their_own_options(run: Run, tmp_path: Path,
                                                csv_format: list[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n")
    assert run("import", str(path), "--column", "notes")[:2] == (0, "imported csv\n")
    assert run("export", "--format", "CSV", "-")[:2] == (0, "")
    assert csv_format == ["import t.csv notes", "export None title"]


def _db(data_dir: Path) -> Path:
    return data_dir / "cadence.sqlite3"


def test_corrupt_database_file(run: Run, data_dir: Path) -> None:
    _db(data_dir).write_bytes(b"this is not a database at all" * 100)
    before = _db(data_dir).read_bytes()
    code, out, err = run("list")
    assert (code, out) == (2, "")
    assert err.startswith("cadence: Cannot read") and "damaged" in err and err.count("\n") == 1
    assert _db(data_dir).read_bytes() == before


def test_sqlite_file_of_another_program(run: Run, data_dir: Path) -> None:
    con = sqlite3.connect(_db(data_dir))
    con.execute("CREATE TABLE songs (title TEXT)")
    con.commit()
    con.close()
    code, _, err = run("add", "x")
    assert code == 2 and "is an SQLite file but not a Cadence database" in err


def test_database_from_a_newer_cadence(run: Run, data_dir: Path) -> None:
    assert run("add", "Keep me")[0] == 0
    con = sqlite3.connect(_db(data_dir))
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = _db(data_dir).read_bytes()
    code, out, err = run("list")
    assert (code, out, err.count("\n")) == (2, "", 1)
    assert "was written by a newer Cadence (schema 9999)" in err
    assert _db(data_dir).read_bytes() == before


def test_locked_database(run: Run, data_dir: Path) -> None:
    assert run("add", "First")[0] == 0
    holder = sqlite3.connect(_db(data_dir), timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = run("add", "Second")
    finally:
        holder.rollback()
        holder.close()
    assert code == 2 and "locked" in err and err.count("\n") == 1
    code, out, _ = run("list", "--json")
    assert [t["title"] for t in json.loads(out)] == ["First"]
