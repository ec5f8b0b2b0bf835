"""`cadence --self-test`: prove the store, services and window work; list optional back-ends."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app import APP_ID, APP_NAME, __version__, paths
from app.selftest import backends
from app.selftest.report import Check

if TYPE_CHECKING:
    from app.services.facade import Services

CORE = ("store", "services", "resources", "window", "charts")
WINDOW_SIZE = (1280, 800)
LOAD_TIMEOUT_MS = 5000


def run(out: TextIO | None = None) -> int:
    """Run every check in a temporary data dir, print one line each; 0 if all core checks pass."""
    stream = out or sys.stdout
    started = time.monotonic()
    real_env = {k: os.environ.get(k, "") for k in ("QT_QPA_PLATFORM", "DISPLAY")}
    results: list[Check] = []

    def report(check: Check) -> None:
        results.append(check)
        print(check.line(), file=stream, flush=True)

    report(Check("version", None, _versions()))
    report(Check("paths", None, f"resources {paths.resources_dir()}, "
                                f"migrations {paths.migrations_dir()} ({_install_kind()})"))
    with tempfile.TemporaryDirectory(prefix="cadence-selftest-") as tmp:
        services = _guarded(report, "store", lambda: _open_store(Path(tmp)))
        if services is None:
            for name in CORE[1:]:
                report(Check(name, False, "skipped: the store did not open"))
        else:
            try:
                _guarded(report, "services", lambda: _check_services(services))
                _guarded(report, "resources", _check_resources)
                _guarded(report, "window", lambda: _check_window(services, Path(tmp)))
                _guarded(report, "charts", _check_charts)
            finally:
                services.close()
    report(backends.check_tray(real_env))
    report(backends.check_notifications())
    report(backends.check_keyring())
    report(_check_user_data())
    failed = [c.name for c in results if c.ok is False]
    seconds = time.monotonic() - started
    if failed:
        print(f"self-test FAILED ({', '.join(failed)}) in {seconds:.1f} s", file=stream)
        return 1
    print(f"self-test passed: {len(CORE)} core checks ok in {seconds:.1f} s", file=stream)
    return 0


def _guarded(report: Callable[[Check], None], name: str, check: Callable[[], Any]) -> Any:
    """Run one core check; any exception becomes a FAIL line (with the traceback on stderr)."""
    try:
        result = check()
    except Exception as exc:  # a self-test reports every failure instead of stopping
        traceback.print_exc(file=sys.stderr)
        report(Check(name, False, f"{type(exc).__name__}: {exc}"))
        return None
    if isinstance(result, tuple):
        value, detail = result
    else:
        value, detail = result, str(result)
    report(Check(name, True, detail))
    return value


def _versions() -> str:
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        qt = f"Qt {qVersion()}, PySide6 {PySide6.__version__}"
    except ImportError as exc:
        qt = f"Qt missing ({exc})"
    py = ".".join(str(n) for n in sys.version_info[:3])
    return f"{APP_NAME} {__version__} ({APP_ID}), Python {py}, {qt}, {sys.platform}"


def _install_kind() -> str:
    if paths.is_frozen():
        return "frozen bundle"
    return "installed package" if paths.install_root().name == "_data" else "source tree"


# -- core checks -----------------------------------------------------------------------------
def _open_store(data_dir: Path) -> tuple[Services, str]:
    from app.services.facade import Services

    services = Services.open(data_dir)
    db = paths.database_path(data_dir)
    con = sqlite3.connect(db)
    try:
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        journal = con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()
    shipped = sorted(p.name[:4] for p in (paths.migrations_dir() / "versions").glob("[0-9]*.py"))
    if revision != shipped[-1]:
        services.close()
        raise RuntimeError(f"schema {revision} but the newest migration is {shipped[-1]}")
    return services, f"migrations applied (schema {revision}, journal {journal}) in {db}"


def _check_services(services: Services) -> str:
    from app.errors import NotFoundError
    from app.services.tasks import TaskFields

    tasks, history = services.tasks, services.history
    task = tasks.create(TaskFields(title="Self-test task"))
    tasks.update(task.id, TaskFields(title="Self-test task, edited", priority=1))
    _expect(tasks.get(task.id).title == "Self-test task, edited", "the edit was not saved")
    history.undo()
    _expect(tasks.get(task.id).title == "Self-test task", "undo did not restore the title")
    tasks.delete(task.id)
    try:
        tasks.get(task.id)
    except NotFoundError:
        pass
    else:
        raise RuntimeError("a deleted task can still be read")
    history.undo()
    _expect(tasks.get(task.id).title == "Self-test task", "undo did not bring the task back")
    tasks.create(TaskFields(title="Cadence self-test: this task shows in the window"))
    return "task created, edited, deleted; undo restored the edit and the task"


def _check_resources() -> str:
    icon = paths.resource("icons", "cadence.svg")
    desktop = paths.resource(f"{APP_ID}.desktop")
    missing = [str(p) for p in (icon, desktop) if not p.is_file()]
    if missing:
        raise FileNotFoundError(", ".join(missing))
    return f"icon and desktop entry found in {paths.resources_dir()}"


def _check_window(services: Services, tmp: Path) -> str:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    owns_app = QApplication.instance() is None
    saved = os.environ.get("QT_QPA_PLATFORM")
    if owns_app:  # render offscreen: works without a display and never shows a window
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _quiet_offscreen_warning()
        # Window geometry is saved on close: keep it away from the user's settings.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    from app.ui.app import create_main_window

    try:
        window = create_main_window(services)
    finally:
        if owns_app:
            _restore_env("QT_QPA_PLATFORM", saved)
    try:
        loop = QEventLoop()
        loaded = getattr(window, "list_loaded", None)
        if loaded is not None:
            loaded.connect(loop.quit)
        QTimer.singleShot(LOAD_TIMEOUT_MS if loaded is not None else 200, loop.quit)
        window.resize(*WINDOW_SIZE)
        window.show()
        loop.exec()
        image = window.grab().toImage()
        title = window.windowTitle()
    finally:
        window.close()
        window.deleteLater()
    _expect(APP_NAME in title, f"window title {title!r} does not name {APP_NAME}")
    width, height = image.width(), image.height()
    share = _main_colour_share(image)
    _expect(width > 0 and height > 0 and share < 0.99, f"the window rendered blank ({share:.1%})")
    platform = QApplication.platformName()
    return f"rendered {width}x{height} on {platform} (title {title!r})"


def _quiet_offscreen_warning() -> None:
    """Drop the offscreen plugin's harmless propagateSizeHints warning; pass the rest on."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _main_colour_share(image: Any) -> float:
    """Share of sampled pixels that have the most common colour (1.0 = blank)."""
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = memoryview(rgb.constBits()).cast("B").cast("I")
    sample = pixels[::7]
    if not len(sample):
        return 1.0
    return Counter(sample).most_common(1)[0][1] / len(sample)


def _check_charts() -> str:
    import matplotlib
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2), dpi=50)
    figure.add_subplot().bar(["a", "b", "c"], [3, 1, 2])
    canvas_class: Any = FigureCanvasQTAgg  # matplotlib's Qt canvas carries no annotations
    canvas = canvas_class(figure)
    canvas.draw()
    width, height = canvas.get_width_height()
    canvas.deleteLater()
    return f"matplotlib {matplotlib.__version__} drew a {width}x{height} QtAgg chart"


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(message)


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _check_user_data() -> Check:
    folder = paths.default_data_dir()
    db = paths.database_path(folder)
    state = f"{db.stat().st_size / 1e6:.1f} MB" if db.exists() else "not created yet"
    return Check("data", None, f"database {db} ({state}); this self-test did not touch it")
