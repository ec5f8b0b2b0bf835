"""'Start Cadence at login': XDG autostart, a LaunchAgent, or the Windows Run key.

So that reminders fire from the first minute of a session.
"""

from __future__ import annotations

import os
import plistlib
import sys
from pathlib import Path
from typing import Any

from app import APP_ID, APP_NAME
from app.errors import UserFacingError

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
# A start at login opens Cadence in the system tray (or minimised where there is none).
LOGIN_ARGS: tuple[str, ...] = ("--minimized",)


class AutostartError(UserFacingError):
    """The login item could not be written or removed."""


def launch_command() -> list[str]:
    """How to start this Cadence: the frozen executable, or this Python with ``-m app``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *LOGIN_ARGS]
    return [sys.executable, "-m", "app", *LOGIN_ARGS]


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


class Autostart:
    """Enable, disable and query the login item for one platform (injectable for tests)."""

    def __init__(self, platform: str | None = None, command: list[str] | None = None) -> None:
        self.platform = platform or sys.platform
        self.command = command or launch_command()

    # -- paths -----------------------------------------------------------------------------
    def desktop_file(self) -> Path:
        config = os.environ.get("XDG_CONFIG_HOME") or str(_home() / ".config")
        return Path(config) / "autostart" / f"{APP_ID}.desktop"

    def plist_file(self) -> Path:
        return _home() / "Library" / "LaunchAgents" / f"{APP_ID}.plist"

    # -- public ----------------------------------------------------------------------------
    def is_enabled(self) -> bool:
        if self.platform == "win32":
            return self._win_get() is not None
        if self.platform == "darwin":
            return self.plist_file().exists()
        path = self.desktop_file()
        if not path.exists():
            return False
        text = path.read_text(encoding="utf-8", errors="replace")
        return "Hidden=true" not in text and "X-GNOME-Autostart-enabled=false" not in text

    def enable(self) -> None:
        try:
            if self.platform == "win32":
                self._win_set(subprocess_line(self.command))
            elif self.platform == "darwin":
                self._write(self.plist_file(), plistlib.dumps({
                    "Label": APP_ID,
                    "ProgramArguments": self.command,
                    "RunAtLoad": True,
                    "ProcessType": "Interactive",
                }))
            else:
                self._write(self.desktop_file(), self.desktop_entry().encode())
        except OSError as exc:
            raise AutostartError(f"Could not set Cadence to start at login: {exc}") from exc

    def disable(self) -> None:
        try:
            if self.platform == "win32":
                self._win_delete()
            elif self.platform == "darwin":
                self.plist_file().unlink(missing_ok=True)
            else:
                self.desktop_file().unlink(missing_ok=True)
        except OSError as exc:
            raise AutostartError(f"Could not remove the login item: {exc}") from exc

    def set_enabled(self, on: bool) -> None:
        if on:
            self.enable()
        else:
            self.disable()

    def desktop_entry(self) -> str:
        exec_line = " ".join(_desktop_quote(arg) for arg in self.command)
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            f"Name={APP_NAME}\n"
            "Comment=Reminders and the timer in the tray\n"
            f"Exec={exec_line}\n"
            f"Icon={APP_ID}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n"
            "X-GNOME-Autostart-Delay=5\n"
        )

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def _win_get(self) -> str | None:  # pragma: no cover - Windows only
        winreg = _winreg()

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                return str(winreg.QueryValueEx(key, APP_NAME)[0])
        except FileNotFoundError:
            return None

    def _win_set(self, line: str) -> None:  # pragma: no cover - Windows only
        winreg = _winreg()

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            winreg.SetValueEx(key, APP_NAME, 0, winreg.REG_SZ, line)

    def _win_delete(self) -> None:  # pragma: no cover - Windows only
        winreg = _winreg()

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,
                                winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, APP_NAME)
        except FileNotFoundError:
            return


def _winreg() -> Any:  # pragma: no cover - Windows only
    import importlib

    return importlib.import_module("winreg")


def subprocess_line(args: list[str]) -> str:
    """A Windows command line (CommandLineToArgvW quoting)."""
    import subprocess

    return subprocess.list2cmdline(args)


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument per the Desktop Entry spec (and escape % field codes)."""
    arg = arg.replace("%", "%%")
    if any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`") \
            .replace("$", "\\$") + '"'
    return arg
