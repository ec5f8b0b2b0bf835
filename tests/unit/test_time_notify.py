"""Pomodoro phase notifications reach a real notification server (dunst) over D-Bus."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.services.time_notify import NotifyError, notify
from tests.support.desktop import start_dunst


@pytest.mark.desktop
def test_notify_reaches_dunst(tmp_path: Path):
    dunst = start_dunst(tmp_path)
    try:
        ident = notify("Short break", "Well done. Take 5 minutes off.")
        assert ident > 0
        history = subprocess.run(["dunstctl", "count", "displayed"], capture_output=True,
                                 text=True, check=False)
        assert history.stdout.strip() in {"1", "2", "3"}  # ours is shown (timeout 0: stays)
    finally:
        dunst.stop()


_BARE_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir={tmp}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*"/><allow receive_sender="*"/>
<allow own="*"/></policy></busconfig>
"""


def test_no_notification_server_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    # A bus without service files: nothing can be auto-started to own the name.
    config = tmp_path / "bus.conf"
    config.write_text(_BARE_BUS.format(tmp=tmp_path))
    proc = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork",
                             "--nopidfile", "--print-address=1"], stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", proc.stdout.readline().decode().strip())
        with pytest.raises(NotifyError, match="no notification server: The name org.freedesktop"):
            notify("Focus", "")
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_no_bus_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/nothing")
    with pytest.raises(NotifyError, match="no session bus"):
        notify("Focus", "")
