"""Test set-up: one Qt platform per process, a private D-Bus bus and temp HOME.

By default Qt runs on a real X server (Xvfb) started here, so that desktop tests (tray,
notifications, screenshots) and widget tests share one QApplication; without Xvfb it
falls back to the offscreen platform and tests marked ``desktop`` are skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.desktop import Service, start_dbus, start_xvfb

_services: list[Service] = []
HAVE_X = False


def pytest_configure(config: pytest.Config) -> None:
    global HAVE_X  # noqa: PLW0603 - decided once per process, read by collection
    home = Path(tempfile.mkdtemp(prefix="cadence-test-home-"))
    os.environ["HOME"] = str(home)
    os.environ["XDG_CONFIG_HOME"] = str(home / ".config")
    os.environ["XDG_DATA_HOME"] = str(home / ".local" / "share")
    os.environ["XDG_CACHE_HOME"] = str(home / ".cache")
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    os.environ["MPLCONFIGDIR"] = str(home / "mpl")
    os.environ.pop("CADENCE_DATA_DIR", None)
    os.environ["CADENCE_NO_SINGLE_INSTANCE"] = "1"
    os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    if shutil.which("dbus-daemon"):
        bus, address = start_dbus()
        _services.append(bus)
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
    if shutil.which("Xvfb") and os.environ.get("CADENCE_TEST_OFFSCREEN") != "1":
        xvfb, display = start_xvfb()
        _services.append(xvfb)
        os.environ["DISPLAY"] = display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        HAVE_X = True
    else:
        os.environ.pop("DISPLAY", None)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("QT_QUICK_BACKEND", "software")


def pytest_unconfigure(config: pytest.Config) -> None:
    for service in reversed(_services):
        service.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAVE_X:
        return
    skip = pytest.mark.skip(reason="needs Xvfb (apt-get install xvfb)")
    for item in items:
        if "desktop" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


FIXED_NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # a Saturday


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    """A clock fixed at Saturday 2026-11-28 11:00 in Europe/Berlin."""
    from app.services.clock import Clock

    return Clock(zone_name="Europe/Berlin", fixed=FIXED_NOW)


@pytest.fixture
def services(data_dir: Path, clock):  # type: ignore[no-untyped-def]
    """Real services on a real SQLite file in tmp_path, migrations applied."""
    from app.services.facade import Services

    svc = Services.open(data_dir, clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def live_services(data_dir: Path) -> Iterator[object]:
    """Services on the system clock (for UI tests where time must move)."""
    from app.services.facade import Services

    svc = Services.open(data_dir)
    yield svc
    svc.close()
