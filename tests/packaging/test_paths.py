"""app.paths finds resources and migrations from the source tree, a wheel and a bundle."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from app import paths

ROOT = Path(__file__).resolve().parents[2]


def test_source_tree_uses_the_checkout_folders() -> None:
    assert not paths.is_frozen()
    assert paths.install_root() == ROOT
    assert (paths.migrations_dir() / "versions" / "0001_core.py").is_file()
    assert paths.resource("icons", "cadence.svg").is_file()


def test_frozen_bundle_uses_meipass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.is_frozen()
    assert paths.install_root() == tmp_path
    assert paths.migrations_dir() == tmp_path / "migrations"
    assert paths.resource("icons", "a.svg") == tmp_path / "resources" / "icons" / "a.svg"


def test_frozen_flag_without_meipass_is_not_a_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert not paths.is_frozen()
    assert paths.install_root() == ROOT


def test_installed_wheel_uses_the_package_data_folder(tmp_path: Path) -> None:
    package = tmp_path / "site" / "app"
    (package / "_data" / "migrations").mkdir(parents=True)
    shutil.copy(ROOT / "app" / "paths.py", package / "paths.py")
    spec = importlib.util.spec_from_file_location("copied_paths", package / "paths.py")
    assert spec is not None and spec.loader is not None
    copied = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copied)
    assert copied.install_root() == package / "_data"
    assert copied.migrations_dir() == package / "_data" / "migrations"


def test_data_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "mine"))
    assert paths.default_data_dir() == tmp_path / "mine"
    assert paths.database_path(tmp_path) == tmp_path / "cadence.sqlite3"
