"""PyInstaller entry point: the `cadence` command (and `cadence-gui` on Windows)."""

from __future__ import annotations

import sys
from pathlib import Path


def launch() -> int:
    from app.cli import gui_main, main

    if Path(sys.executable).stem.lower().endswith("-gui"):
        return gui_main()
    return main()


if __name__ == "__main__":
    raise SystemExit(launch())
