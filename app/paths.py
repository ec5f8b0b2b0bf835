"""Where Cadence keeps data and finds its bundled files, frozen (PyInstaller) or not."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "CADENCE_DATA_DIR"
DB_FILENAME = "cadence.sqlite3"


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def install_root() -> Path:
    """The folder holding resources/ and migrations/: the bundle dir or the source checkout."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS"))  # noqa: B009 - attribute only exists when frozen
    packaged = Path(__file__).resolve().parent / "_data"
    if packaged.is_dir():  # installed from a wheel: data files live inside the package
        return packaged
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def migrations_dir() -> Path:
    return install_root() / "migrations"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_data_dir() -> Path:
    """The per-user data folder (platformdirs), unless CADENCE_DATA_DIR overrides it."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("Cadence", "Cadence", roaming=True))


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME
