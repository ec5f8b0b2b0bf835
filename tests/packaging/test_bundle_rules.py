"""The bundle trimming rules: which files go, which libraries are pruned, debug info stripped."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_rules  # noqa: E402


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqminimal.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/imageformats/libqico.so", False),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", True),
        ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", False),  # Windows wheel layout
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/Qt/lib/libQt6Qml.so.6", True),
        ("PySide6/Qt/lib/libQt6QuickWidgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
        ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", True),
        ("PySide6/Qt/lib/libQt6Core.so.6", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", False),
        ("PySide6/Qt/lib/libQt6Svg.so.6", False),
        ("PySide6/QtQml.abi3.so", True),
        ("libpyside6qml.abi3.so.6.11", True),
        ("libgtk-3.so.0", True),
        ("libgdk-3.so.0", True),
        ("matplotlib/mpl-data/sample_data/goog.npz", True),
        ("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", False),
        ("matplotlib/mpl-data/fonts/ttf/DejaVuSerif.ttf", True),
        ("matplotlib/mpl-data/matplotlibrc", False),
        ("migrations/__pycache__/env.cpython-311.pyc", True),
        ("migrations/versions/0001_core.py", False),
        ("resources/icons/cadence.svg", False),
    ],
)
def test_drop_reason(dest: str, dropped: bool) -> None:
    assert (bundle_rules.drop_reason(dest) is not None) is dropped


def test_excluded_modules_cover_heavy_qt_and_foreign_backends() -> None:
    available = [
        "PySide6.QtCore",
        "PySide6.QtWidgets",
        "PySide6.QtSvg",
        "PySide6.QtNetwork",
        "PySide6.QtQml",
        "PySide6.QtQuick",
        "PySide6.QtWebEngineCore",
        "PySide6.QtPdfWidgets",
        "matplotlib.backends.backend_qtagg",
        "matplotlib.backends.backend_tkagg",
        "matplotlib.backends._backend_tk",
        "matplotlib.backends.backend_gtk4agg",
        "matplotlib.backends.backend_wxagg",
        "matplotlib.backends.backend_webagg",
    ]
    excluded = set(bundle_rules.excluded_modules(available))
    assert {"PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore"} <= excluded
    assert {"PySide6.QtPdfWidgets", "matplotlib.backends.backend_tkagg"} <= excluded
    assert {"matplotlib.backends._backend_tk", "matplotlib.backends.backend_gtk4agg"} <= excluded
    assert {"matplotlib.backends.backend_wxagg", "matplotlib.backends.backend_webagg"} <= excluded
    assert {"tkinter", "matplotlib.tests"} <= excluded
    kept = {"PySide6.QtCore", "PySide6.QtWidgets", "PySide6.QtSvg", "PySide6.QtNetwork"}
    assert not kept & excluded
    assert "matplotlib.backends.backend_qtagg" not in excluded


def test_prune_unused_keeps_what_kept_files_need() -> None:
    entries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/w/libqxcb.so", "BINARY"),
        ("PySide6/QtCore.abi3.so", "/w/QtCore.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/w/libQt6Core.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", "/w/libEglFS.so.6", "BINARY"),
        ("libxcb-cursor.so.0", "/usr/lib/libxcb-cursor.so.0", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
        ("libpango-1.0.so.0", "/usr/lib/libpango-1.0.so.0", "BINARY"),
        ("libpython3.11.so.1.0", "/py/libpython3.11.so.1.0", "BINARY"),
        ("numpy.libs/libopenblas.so", "/np/libopenblas.so", "BINARY"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("libQt6EglFSDeviceIntegration.so.6",
         "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", "SYMLINK"),
    ]
    needs = {
        "/w/libqxcb.so": {"libQt6Core.so.6", "libxcb-cursor.so.0", "libc.so.6"},
        "/w/QtCore.abi3.so": {"libQt6Core.so.6"},
    }
    kept = bundle_rules.prune_unused(entries, lambda src: needs.get(src, set()))
    names = {dest for dest, _src, _kind in kept}
    assert names == {
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/QtCore.abi3.so",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "libxcb-cursor.so.0",
        "libpython3.11.so.1.0",  # loaded by the bootloader, never pruned
        "numpy.libs/libopenblas.so",  # a package's own library folder is left alone
        "libQt6Core.so.6",  # the link follows its kept target
    }


def test_migration_imports_become_hidden_imports() -> None:
    def is_module(name: str) -> bool:
        try:
            return importlib.util.find_spec(name) is not None
        except ImportError:
            return False

    found = bundle_rules.imports_of(sorted((ROOT / "migrations").rglob("*.py")), is_module)
    assert {"alembic", "alembic.op", "alembic.context", "sqlalchemy"} <= set(found)
    assert "__future__" not in found


@pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("strip")), reason="needs gcc, strip")
def test_strip_debug_replaces_only_files_with_debug_info(tmp_path: Path) -> None:
    source = tmp_path / "lib.c"
    source.write_text("int answer(void) { return 42; }\n")
    debug_lib = tmp_path / "libdebug.so"
    subprocess.run(["gcc", "-g", "-shared", "-fPIC", "-o", str(debug_lib), str(source)], check=True)
    plain = tmp_path / "plain.txt"
    plain.write_text("not an ELF file")
    assert bundle_rules.has_debug_info(debug_lib)
    assert not bundle_rules.has_debug_info(plain)
    entries = [("libdebug.so", str(debug_lib), "BINARY"), ("data.txt", str(plain), "DATA")]
    out = bundle_rules.strip_debug(entries, tmp_path / "work")
    stripped = Path(out[0][1])
    assert stripped == tmp_path / "work" / "libdebug.so"
    assert not bundle_rules.has_debug_info(stripped)
    assert stripped.stat().st_size < debug_lib.stat().st_size
    assert out[1] == entries[1]


def test_package_modules_lists_every_module_of_the_app() -> None:
    modules = bundle_rules.package_modules(ROOT / "app")
    assert {"app", "app.paths", "app.selftest", "app.ui.about", "app.services.facade"} <= set(
        modules
    )
    assert not any("__pycache__" in m or m.endswith("__init__") for m in modules)
