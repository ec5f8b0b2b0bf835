"""`python -m build` makes a wheel and sdist carrying migrations/ and resources/; the wheel,
installed into a fresh venv, gives a working `cadence`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("app", "migrations", "resources", "packaging", "pyproject.toml", "setup.py",
           "MANIFEST.in", "README.md", "LICENSE")


def _copy_sources(target: Path) -> None:
    """Build from a copy, so the checkout gets no build/ or egg-info folders."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, target / name)


@pytest.mark.slow
def test_wheel_and_sdist_install_into_a_fresh_venv(tmp_path: Path) -> None:
    src, dist = tmp_path / "src", tmp_path / "dist"
    src.mkdir()
    _copy_sources(src)
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(src)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel = next(dist.glob(f"cadence-{__version__}-*.whl"))
    sdist = next(dist.glob(f"cadence-{__version__}.tar.gz"))

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "app/_data/migrations/versions/0001_core.py" in names
    assert "app/_data/migrations/env.py" in names
    assert "app/_data/resources/icons/cadence.svg" in names
    assert "app/_data/resources/org.cadence.Cadence.desktop" in names
    assert "app/selftest/__init__.py" in names
    assert not [n for n in names if "__pycache__" in n]
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {"setup.py", "migrations/versions/0001_core.py", "resources/icons/cadence.svg",
            "packaging/cadence.spec"} <= members

    env_dir = tmp_path / "venv"
    # System site-packages give the venv PySide6 & co. without downloading them again.
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config")}
    env.pop("PYTHONPATH", None)
    cadence = env_dir / "bin" / "cadence"
    version = subprocess.run([str(cadence), "--version"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert version.returncode == 0 and version.stdout.strip() == f"cadence {__version__}"
    test = subprocess.run([str(cadence), "--self-test"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert test.returncode == 0, test.stdout + test.stderr[-3000:]
    assert "(installed package)" in test.stdout
    assert str(env_dir) in test.stdout  # the venv's copy, not the checkout
    assert "ok   window: rendered 1280x800" in test.stdout
