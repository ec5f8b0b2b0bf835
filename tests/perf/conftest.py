"""Shared benchmark data: one generated backup and one imported store per session.

CADENCE_BENCH_TASKS sets the size (default 100,000); CADENCE_BENCH_DIR keeps the
generated file and store between runs (default: a fresh temp dir, never the repo).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TASKS = int(os.environ.get("CADENCE_BENCH_TASKS", "100000"))


@pytest.fixture(scope="session")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("CADENCE_BENCH_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="session")
def bench_backup(bench_dir: Path) -> Path:
    """A generated JSON backup with TASKS tasks (dues around today)."""
    path = bench_dir / f"tasks-{TASKS}.json"
    if not path.exists():
        sys.path.insert(0, str(HERE))
        try:
            import generate
        finally:
            sys.path.remove(str(HERE))
        start = time.perf_counter()
        generate.write(generate.generate(TASKS, seed=1, today=date.today()), path)
        print(f"\n[bench] generated {TASKS:,} tasks in {time.perf_counter() - start:.2f} s")
    return path


@pytest.fixture(scope="session")
def bench_store(bench_dir: Path, bench_backup: Path) -> Path:
    """A data dir holding the generated backup, imported once."""
    from app.paths import database_path
    from app.services.backup import import_backup
    from app.services.facade import Services

    folder = bench_dir / f"store-{TASKS}"
    if not database_path(folder).exists():
        services = Services.open(folder)
        try:
            import_backup(services, bench_backup)
        finally:
            services.close()
    return folder
