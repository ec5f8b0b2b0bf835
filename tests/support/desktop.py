"""Start real desktop services for tests: Xvfb, a private D-Bus bus, trayer, dunst, a keyring.

Each service runs as its own process, is waited for until it is really ready, and is
stopped by its own PID. Nothing here touches the user's display, bus or keyring.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Service:
    name: str
    proc: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _wait(predicate: object, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise RuntimeError(f"{what} did not become ready within {timeout} s")


def start_xvfb(size: str = "1280x800x24") -> tuple[Service, str]:
    """Start Xvfb on a free display; returns (service, ':N')."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not report a display number")
    return Service("Xvfb", proc), f":{number}"


# A session bus like the system's session.conf but with no service directories: nothing is
# D-Bus-activated behind a test's back (a locked gnome-keyring, a stray dunst), so every
# test gets exactly the services it starts itself.
_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def start_dbus() -> tuple[Service, str]:
    """A private session bus without service activation; returns (service, address)."""
    fd, config = tempfile.mkstemp(prefix="cadence-bus-", suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(_BUS_CONFIG)
    proc = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile",
         "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    address = proc.stdout.readline().decode().strip()
    if not address:
        proc.kill()
        raise RuntimeError("dbus-daemon did not print its address")
    return Service("dbus-daemon", proc), address


def bus_has_owner(name: str, env: dict[str, str] | None = None) -> bool:
    out = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            f"string:{name}",
        ],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        check=False,
    )
    return "boolean true" in out.stdout


def selection_has_owner(selection: str, env: dict[str, str] | None = None) -> bool:
    """Whether an X selection (e.g. _NET_SYSTEM_TRAY_S0) is owned: the tray host is up."""
    probe = subprocess.run(
        ["python3", "-c", _SELECTION_PROBE, selection],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        check=False,
    )
    return probe.stdout.strip() == "yes"


# Asks the X server who owns a selection, with Qt-free plain Xlib through ctypes.
_SELECTION_PROBE = """
import ctypes, ctypes.util, sys
x = ctypes.cdll.LoadLibrary(ctypes.util.find_library('X11'))
x.XOpenDisplay.restype = ctypes.c_void_p
x.XInternAtom.restype = ctypes.c_ulong
x.XGetSelectionOwner.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
d = x.XOpenDisplay(None)
atom = x.XInternAtom(d, sys.argv[1].encode(), 0)
print('yes' if x.XGetSelectionOwner(d, atom) else 'no')
"""


def start_trayer(env: dict[str, str] | None = None) -> Service:
    proc = subprocess.Popen(
        [
            "trayer",
            "--edge",
            "top",
            "--align",
            "right",
            "--widthtype",
            "request",
            "--height",
            "32",
            "--SetDockType",
            "true",
            "--transparent",
            "false",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    _wait(lambda: selection_has_owner("_NET_SYSTEM_TRAY_S0", env), "trayer")
    return Service("trayer", proc)


def start_dunst(tmp: Path, env: dict[str, str] | None = None, *,
                dmenu: Path | None = None) -> Service:
    """dunst on the session bus; ``dmenu`` is the program ``dunstctl context`` runs to pick
    an action (a test script can choose one, so actions are invoked by the real server)."""
    rc = tmp / "dunstrc"
    menu = f"    dmenu = {dmenu}\n" if dmenu is not None else ""
    rc.write_text(
        "[global]\n    monitor = 0\n    follow = none\n    history_length = 50\n"
        "    font = DejaVu Sans 10\n    origin = top-right\n    offset = (10, 40)\n"
        f"{menu}[urgency_normal]\n    timeout = 0\n"
    )
    proc = subprocess.Popen(
        ["dunst", "-config", str(rc)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _wait(lambda: bus_has_owner("org.freedesktop.Notifications", env), "dunst")
    return Service("dunst", proc)


def start_keyring(tmp: Path, env: dict[str, str]) -> Service:
    """gnome-keyring's Secret Service, unlocked, with its files in tmp."""
    for sub in ("home", "data", "runtime"):
        (tmp / sub).mkdir(exist_ok=True, mode=0o700)
    env = {
        **env,
        "HOME": str(tmp / "home"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_RUNTIME_DIR": str(tmp / "runtime"),
    }
    proc = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write(b"test-password\n")
    proc.stdin.close()
    _wait(lambda: bus_has_owner("org.freedesktop.secrets", env), "gnome-keyring")
    return Service("gnome-keyring-daemon", proc)
