"""Optional desktop back-ends the self-test reports on: tray, notifications, keyring."""

from __future__ import annotations

import os
import secrets
import sys

from app import APP_ID
from app.selftest.report import Check

BUS_TIMEOUT_S = 1.0


def check_tray(env: dict[str, str]) -> Check:
    """A tray host for QSystemTrayIcon: XEmbed on X11 or a StatusNotifier watcher on D-Bus.

    ``env`` holds QT_QPA_PLATFORM and DISPLAY as they were before the self-test went offscreen.
    """
    if sys.platform in ("win32", "darwin"):
        return Check("tray", None, "available (system notification area / menu bar)")
    if env["QT_QPA_PLATFORM"] in ("offscreen", "minimal"):
        return Check("tray", None, f"not checked (QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']})")
    hosts = []
    if env["DISPLAY"] and _x_selection_owned(env["DISPLAY"], "_NET_SYSTEM_TRAY_S{screen}"):
        hosts.append("XEmbed tray host")
    watcher = _bus_names("org.kde.StatusNotifierWatcher")
    if isinstance(watcher, dict) and watcher.get("org.kde.StatusNotifierWatcher"):
        hosts.append("StatusNotifier watcher")
    if hosts:
        return Check("tray", None, f"available ({', '.join(hosts)})")
    return Check("tray", None, "not available (no tray host; the window has every tray action)")


def _x_selection_owned(display: str, selection: str) -> bool:
    """Whether an X selection has an owner, asked with plain Xlib through ctypes (no Qt)."""
    import ctypes
    import ctypes.util

    try:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    except OSError:
        return False
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XDefaultScreen.argtypes = [ctypes.c_void_p]
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XGetSelectionOwner.restype = ctypes.c_ulong
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(display.encode())
    if not dpy:
        return False
    try:
        name = selection.format(screen=x11.XDefaultScreen(dpy)).encode()
        return bool(x11.XGetSelectionOwner(dpy, x11.XInternAtom(dpy, name, 0)))
    finally:
        x11.XCloseDisplay(dpy)


def _bus_names(*names: str) -> dict[str, bool] | str:
    """Which names have an owner on the session bus, or why the bus could not be asked."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no session bus: DBUS_SESSION_BUS_ADDRESS is not set"
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return "jeepney is not installed"
    bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
    try:
        conn = open_dbus_connection(bus="SESSION")
    except Exception as exc:  # no address, refused, bad auth: all mean "no bus here"
        return f"no session bus ({type(exc).__name__})"
    try:
        owned: dict[str, bool] = {}
        for name in names:
            msg = new_method_call(bus, "NameHasOwner", "s", (name,))
            owned[name] = bool(conn.send_and_get_reply(msg, timeout=BUS_TIMEOUT_S).body[0])
        return owned
    except Exception as exc:  # timeouts and D-Bus errors: report, never fail the self-test
        return f"bus error ({type(exc).__name__}: {exc})"
    finally:
        conn.close()


def check_notifications() -> Check:
    """A freedesktop notification server on the session bus (name and version if it says)."""
    if sys.platform in ("win32", "darwin"):
        return Check("notifications", None, "platform notification centre (not probed)")
    name = "org.freedesktop.Notifications"
    owned = _bus_names(name)
    if isinstance(owned, str):
        return Check("notifications", None, f"not available ({owned})")
    if not owned[name]:
        return Check("notifications", None, "not available (no notification server on the bus)")
    return Check("notifications", None, f"available ({_server_info()})")


def _server_info() -> str:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    server = DBusAddress(
        "/org/freedesktop/Notifications",
        "org.freedesktop.Notifications",
        "org.freedesktop.Notifications",
    )
    try:
        with open_dbus_connection(bus="SESSION") as conn:
            reply = conn.send_and_get_reply(
                new_method_call(server, "GetServerInformation"), timeout=BUS_TIMEOUT_S
            )
        name, vendor, version, spec = reply.body
        return f"{name} {version} by {vendor}, spec {spec}"
    except Exception as exc:  # an odd server still counts as present
        return f"org.freedesktop.Notifications owned; no server info ({type(exc).__name__})"


def check_keyring() -> Check:
    """The keyring back-end, with a throw-away set/get/delete when that cannot prompt."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError as exc:
        return Check("keyring", None, f"not available ({exc})")
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken back-end plugin must not break the self-test
        return Check("keyring", None, f"not available ({type(exc).__name__}: {exc})")
    kind = f"{type(backend).__module__}.{type(backend).__name__}"
    chained = getattr(backend, "backends", None)
    if kind.startswith("keyring.backends.fail") or chained == []:
        return Check("keyring", None, f"not available (no secret store; {kind})")
    if kind.startswith("keyrings.alt"):
        return Check("keyring", None, f"{kind} is an insecure file store; Cadence will not use it")
    problem = _secret_service_problem(kind)
    if problem:
        return Check("keyring", None, f"{kind} ({problem}; round trip skipped: it would prompt)")
    service, user = f"{APP_ID}.self-test", f"probe-{secrets.token_hex(4)}"
    secret = secrets.token_hex(16)
    try:
        keyring.set_password(service, user, secret)
        try:
            same = keyring.get_password(service, user) == secret
        finally:
            keyring.delete_password(service, user)
    except KeyringError as exc:
        return Check("keyring", None, f"{kind} (round trip failed: {exc})")
    outcome = "set/get/delete of a throw-away entry ok" if same else "read back a different value"
    return Check("keyring", None, f"{kind} ({outcome})")


def _secret_service_problem(kind: str) -> str | None:
    """Why a Secret Service round trip would prompt the user (then it is skipped), or None.

    A service that is only D-Bus activatable starts locked, and a missing or locked default
    collection makes keyring ask for a password: never do that from a self-test.
    """
    if "SecretService" not in kind:
        return None
    owned = _bus_names("org.freedesktop.secrets")
    if isinstance(owned, str) or not owned.get("org.freedesktop.secrets"):
        return "the Secret Service is not running"
    try:
        import secretstorage
        from secretstorage.collection import DEFAULT_COLLECTION, Collection

        conn = secretstorage.dbus_init()
        try:
            locked = bool(Collection(conn, DEFAULT_COLLECTION).is_locked())
        finally:
            conn.close()
    except Exception as exc:  # no default collection, or an odd service
        return f"no usable default collection ({type(exc).__name__})"
    return "the default collection is locked" if locked else None
