"""'Start Cadence at login': the XDG autostart entry (Linux) and the LaunchAgent (macOS)."""

from __future__ import annotations

import configparser
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.autostart import Autostart, subprocess_line


def test_linux_writes_and_removes_an_xdg_autostart_entry(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    item = Autostart("linux", ["/opt/Cadence App/cadence", "--tray"])
    assert not item.is_enabled()
    item.enable()
    path = tmp_path / "config" / "autostart" / "org.cadence.Cadence.desktop"
    assert item.desktop_file() == path and item.is_enabled()
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path)
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "Cadence"
    assert section["Exec"] == '"/opt/Cadence App/cadence" --tray'
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                               text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
    item.disable()
    assert not path.exists() and not item.is_enabled()
    item.disable()  # twice is fine


def test_a_disabled_entry_from_the_desktop_settings_counts_as_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    item = Autostart("linux", ["cadence", "--tray"])
    item.enable()
    path = item.desktop_file()
    path.write_text(path.read_text().replace("Autostart-enabled=true",
                                             "Autostart-enabled=false"))
    assert not item.is_enabled()


def test_the_login_command_is_this_cadence(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    item = Autostart("linux")
    assert item.command[:3] == [sys.executable, "-m", "app"]
    version = subprocess.run([*item.command, "--version"], capture_output=True, text=True,
                             check=False, timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert version.returncode == 0 and version.stdout.startswith("cadence ")


def test_macos_writes_a_launch_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    item = Autostart("darwin", ["/Applications/Cadence.app/Contents/MacOS/Cadence", "--tray"])
    item.enable()
    path = tmp_path / "Library" / "LaunchAgents" / "org.cadence.Cadence.plist"
    agent = plistlib.loads(path.read_bytes())
    assert agent == {"Label": "org.cadence.Cadence", "RunAtLoad": True,
                     "ProcessType": "Interactive",
                     "ProgramArguments": ["/Applications/Cadence.app/Contents/MacOS/Cadence",
                                          "--tray"]}
    assert item.is_enabled()
    item.disable()
    assert not item.is_enabled()


def test_windows_run_key_command_line_quoting() -> None:
    # The registry itself cannot be reached from Linux; the value written is this line.
    assert subprocess_line([r"C:\Program Files\Cadence\cadence.exe", "--tray"]) == \
        r'"C:\Program Files\Cadence\cadence.exe" --tray'
