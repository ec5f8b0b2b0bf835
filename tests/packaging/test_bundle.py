"""The PyInstaller bundle builds, stays trimmed and small, and passes its own self-test."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(r"libgtk|libgdk-|QtQml|QtQuick|QtWebEngine|QtPdf|libqgtk3", re.IGNORECASE)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Build once for this module: (bundle folder, build.py output)."""
    out = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"),
         f"--distpath={out / 'dist'}", f"--workpath={out / 'work'}"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / "dist" / "cadence", result.stdout


def _run(bundle_dir: Path, *args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
    return subprocess.run(
        [str(bundle_dir / "cadence"), *args],
        cwd=tmp,  # not the checkout: the bundle must not find the source tree
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_bundle_self_test_passes_offscreen(bundle: tuple[Path, str], tmp_path: Path) -> None:
    folder, _log = bundle
    result = _run(folder, "--self-test", tmp=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    for start in ("ok   store: migrations applied (schema ", "ok   services: ",
                  "ok   resources: ", "ok   window: rendered 1280x800", "ok   charts: "):
        assert start in result.stdout, start
    assert "(frozen bundle)" in result.stdout
    assert str(folder) in result.stdout  # resources and migrations come from the bundle


@pytest.mark.slow
def test_bundle_reports_its_version(bundle: tuple[Path, str], tmp_path: Path) -> None:
    result = _run(bundle[0], "--version", tmp=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"cadence {__version__}"


@pytest.mark.slow
def test_bundle_is_trimmed_and_within_the_size_limit(bundle: tuple[Path, str]) -> None:
    folder, log = bundle
    spec = importlib.util.spec_from_file_location("cadence_build", ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)  # not `import build`: that is PyPA's build
    spec.loader.exec_module(build)
    size_mb = build.tree_size(folder) / 1e6
    print(f"bundle size: {size_mb:.1f} MB")
    assert size_mb <= build.LINUX_LIMIT_MB
    assert re.search(r"size: [\d.]+ MB unpacked, built in \d+ s", log)
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*")]
    assert not [f for f in files if FORBIDDEN.search(f)]
    internal = folder / "_internal"
    assert (internal / "migrations" / "versions" / "0001_core.py").is_file()
    assert (internal / "resources" / "icons" / "cadence.svg").is_file()
    assert not list(internal.glob("migrations/**/__pycache__"))
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    plugins = {p.parent.name for p in (internal / "PySide6" / "Qt" / "plugins").rglob("*.so")}
    assert {"platforms", "imageformats", "iconengines", "xcbglintegrations"} <= plugins
    assert not plugins & {"sqldrivers", "generic", "egldeviceintegrations", "networkinformation"}
