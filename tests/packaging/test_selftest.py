"""`cadence --self-test` from the source tree: core checks pass, failures fail, back-ends found."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import APP_ID
from app.selftest import Check, _main_colour_share

ROOT = Path(__file__).resolve().parents[2]
CORE_LINES = (
    "ok   store: migrations applied (schema ",
    "ok   services: task created, edited, deleted; undo restored",
    "ok   resources: icon and desktop entry found",
    "ok   window: rendered 1280x800 on offscreen",
    "ok   charts: matplotlib ",
)


def _self_test(
    code: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the self-test in a fresh process (it renders offscreen in its own QApplication)."""
    script = f"import sys\n{code}\nfrom app.cli import main\nsys.exit(main(['--self-test']))"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_core_checks_pass_and_every_back_end_is_reported() -> None:
    result = _self_test()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for start in CORE_LINES:
        assert any(line.startswith(start) for line in lines), start
    for name in ("tray", "notifications", "keyring", "data", "version", "paths"):
        assert any(line.startswith(f"info {name}: ") for line in lines), name
    assert "(source tree)" in result.stdout
    assert "round trip failed" not in result.stdout  # never prompts for a locked keyring
    assert lines[-1].startswith("self-test passed: 5 core checks ok")
    user_db = Path(os.environ["HOME"], ".local", "share", "Cadence", "cadence.sqlite3")
    assert not user_db.exists(), "the self-test must not create the user's database"


def test_a_failing_core_check_fails_the_self_test(tmp_path: Path) -> None:
    (tmp_path / "versions").mkdir()
    breakage = (
        "import app.paths, pathlib\n"
        f"app.paths.migrations_dir = lambda: pathlib.Path({str(tmp_path)!r})"
    )
    result = _self_test(breakage)
    assert result.returncode == 1
    assert "FAIL store: " in result.stdout
    assert "FAIL window: skipped: the store did not open" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("self-test FAILED (store, services")


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A tray host on the test X server; a notification server and an unlocked keyring on a
    bus of this test's own (so nothing it starts is seen by other tests)."""
    from tests.support.desktop import start_dbus, start_dunst, start_keyring, start_trayer

    bus, address = start_dbus()
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    started = [bus]
    try:
        started.append(start_trayer(env))
        started.append(start_dunst(tmp_path, env))
        (tmp_path / "keyring").mkdir()
        started.append(start_keyring(tmp_path / "keyring", env))
        yield env
    finally:
        for service in reversed(started):
            service.stop()


@pytest.mark.desktop
def test_real_tray_notification_server_and_keyring_are_found(desktop: dict[str, str]) -> None:
    assert desktop["QT_QPA_PLATFORM"] == "xcb"
    result = _self_test(env=desktop)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "info tray: available (XEmbed tray host)" in result.stdout
    assert "info notifications: available (dunst " in result.stdout
    keyring_line = next(x for x in result.stdout.splitlines() if x.startswith("info keyring"))
    assert keyring_line == (
        "info keyring: keyring.backends.SecretService.Keyring "
        "(set/get/delete of a throw-away entry ok)"
    )
    probe = (
        "import secretstorage\n"
        "conn = secretstorage.dbus_init()\n"
        f"print(len(list(secretstorage.search_items(conn, {{'service': '{APP_ID}.self-test'}}))))"
    )
    left = subprocess.run(
        [sys.executable, "-c", probe], env=desktop, capture_output=True, text=True, check=True
    )
    assert left.stdout.strip() == "0", "the self-test left its probe entry in the keyring"


def test_report_lines() -> None:
    assert Check("store", True, "fine").line() == "ok   store: fine"
    assert Check("tray", None, "none").line() == "info tray: none"
    assert Check("window", False, "blank").line() == "FAIL window: blank"


def test_blank_image_is_told_from_a_drawn_one(qapp: object) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    assert _main_colour_share(image) == 1.0
    painter = QPainter(image)
    painter.fillRect(0, 0, 200, 30, Qt.GlobalColor.darkBlue)
    painter.end()
    assert _main_colour_share(image) < 0.99
