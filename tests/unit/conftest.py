"""Fixtures for unit tests: the CLI run in-process on a temp store with the fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.clock import Clock
from tests.support.cli import Run


@pytest.fixture
def cadence(data_dir: Path, clock: Clock, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `cadence --data-dir <tmp> ARGS...` in-process with the fixed clock."""
    from app.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data_dir), *args], clock=clock)
        out, err = capsys.readouterr()
        return code, out, err

    return run
