"""Plain desktop notifications through org.freedesktop.Notifications (jeepney, no Qt).

PySide6's QtDBus cannot send ``Notify`` (it marshals replaces_id as a signed int); jeepney
does. Callers run this off the GUI thread and fall back to the tray or status bar when it
raises ``NotifyError`` (no bus, no notification server, or not Linux).
"""

from __future__ import annotations

import sys
from typing import Any

from app import APP_NAME


class NotifyError(Exception):
    """No notification was shown (the reason is the message)."""


def notify(summary: str, body: str = "", *, icon: str = "", timeout_ms: int = 8000,
           replaces_id: int = 0, timeout: float = 2.0) -> int:
    """Show a notification; returns the server's id (> 0)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        raise NotifyError("no freedesktop notification service on this platform")
    try:
        from jeepney import DBusAddress, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError as exc:
        raise NotifyError("jeepney is not installed") from exc
    address = DBusAddress("/org/freedesktop/Notifications",
                          bus_name="org.freedesktop.Notifications",
                          interface="org.freedesktop.Notifications")
    msg = new_method_call(address, "Notify", "susssasa{sv}i", (
        APP_NAME, replaces_id, icon, summary, body, [], {}, timeout_ms,
    ))
    try:
        conn: Any = open_dbus_connection(bus="SESSION")
    except (OSError, KeyError, ValueError) as exc:
        raise NotifyError(f"no session bus: {exc}") from exc
    try:
        reply = conn.send_and_get_reply(msg, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - timeouts and D-Bus errors: not shown either way
        raise NotifyError(f"the notification server did not answer: {exc}") from exc
    finally:
        conn.close()
    body_out = reply.body
    if reply.header.message_type == MessageType.error:
        detail = body_out[0] if body_out else "error"
        raise NotifyError(f"no notification server: {detail}")
    if not body_out or not isinstance(body_out[0], int) or body_out[0] <= 0:
        raise NotifyError(f"the notification server refused: {body_out!r}")
    return int(body_out[0])
