"""Desktop notifications: a Notifier protocol, D-Bus on Linux, desktop-notifier elsewhere.

Linux talks org.freedesktop.Notifications with jeepney; macOS and Windows go through
desktop-notifier.

PySide6's QtDBus cannot send ``Notify`` (it marshals replaces_id as a signed int), so the
D-Bus side is plain jeepney: method calls through a threading router, and a daemon thread
that turns ``ActionInvoked`` / ``NotificationClosed`` signals into callbacks. Callbacks run
on that thread; the UI forwards them to the GUI thread with a queued signal.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from app import APP_ID, APP_NAME
from app.errors import UserFacingError
from app.services.reminder_text import Notice

log = logging.getLogger(__name__)

ActionHandler = Callable[[int, str], None]  # (notification id, action key)
ClosedHandler = Callable[[int, int], None]  # (notification id, reason)
CLOSED_EXPIRED, CLOSED_BY_USER, CLOSED_BY_CALL = 1, 2, 3

_BUS = "org.freedesktop.Notifications"
_PATH = "/org/freedesktop/Notifications"
_STOP = object()


class NotifyError(UserFacingError):
    """Notifications cannot be shown: no server, no session bus, a D-Bus error."""


class Notifier(Protocol):
    """Shows notices and reports what the user did with them."""

    name: str

    def show(self, notice: Notice) -> int: ...

    def close(self, handle: int) -> None: ...

    def set_handlers(self, on_action: ActionHandler, on_closed: ClosedHandler) -> None: ...

    def shutdown(self) -> None: ...


def _ignore_action(handle: int, key: str) -> None:
    log.debug("notification %s: action %s with no handler", handle, key)


def _ignore_closed(handle: int, reason: int) -> None:
    log.debug("notification %s closed (%s) with no handler", handle, reason)


class DBusNotifier:
    """org.freedesktop.Notifications through jeepney. ``start()`` raises NotifyError."""

    name = "D-Bus"

    def __init__(self, *, icon: Path | None = None, timeout: float = 3.0,
                 bus: str = "SESSION") -> None:
        self.icon = icon
        self.timeout = timeout
        self.bus = bus  # "SESSION" or a bus address
        self.server = ""
        self.capabilities: tuple[str, ...] = ()
        self._router: Any = None
        self._conn: Any = None
        self._filter: Any = None
        self._queue: queue.Queue[Any] = queue.Queue()
        self._pump: threading.Thread | None = None
        self._sent: set[int] = set()
        self._acted: set[int] = set()
        self._on_action: ActionHandler = _ignore_action
        self._on_closed: ClosedHandler = _ignore_closed

    def set_handlers(self, on_action: ActionHandler, on_closed: ClosedHandler) -> None:
        self._on_action, self._on_closed = on_action, on_closed

    def _address(self) -> Any:
        from jeepney import DBusAddress

        return DBusAddress(_PATH, bus_name=_BUS, interface=_BUS)

    def _call(self, method: str, signature: str | None = None, body: tuple[Any, ...] = (),
              *, activate: bool = True) -> Any:
        from jeepney import DBusErrorResponse, new_method_call
        from jeepney.low_level import MessageFlag

        if self._router is None:
            raise NotifyError("Desktop notifications are not connected.")
        msg = new_method_call(self._address(), method, signature, body)
        if not activate:
            msg.header.flags |= MessageFlag.no_auto_start
        try:
            reply = self._router.send_and_get_reply(msg, timeout=self.timeout)
        except TimeoutError as exc:
            raise NotifyError("The notification server did not answer in time.") from exc
        except Exception as exc:  # noqa: BLE001 - router closed, bus gone: all mean "no server"
            raise NotifyError(f"The session bus failed ({type(exc).__name__}: {exc}).") from exc
        try:
            from jeepney.wrappers import unwrap_msg

            return unwrap_msg(reply)
        except DBusErrorResponse as exc:
            if "ServiceUnknown" in str(exc.name) or ".Spawn." in str(exc.name):
                raise NotifyError("No notification server is running on the session bus "
                                  f"({exc.name.rsplit('.', 1)[-1]}).") from exc
            raise NotifyError(f"The notification server refused: {exc.name}: "
                              f"{' '.join(map(str, exc.data))}") from exc

    def start(self) -> None:
        """Connect, ask the server who it is, and start listening for its signals."""
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        try:
            self._conn = open_dbus_connection(bus=self.bus)
        except (OSError, KeyError, ValueError) as exc:  # TimeoutError is an OSError
            reason = str(exc) or type(exc).__name__
            raise NotifyError(f"There is no D-Bus session bus ({reason}).") from exc
        self._router = DBusRouter(self._conn)
        rule = MatchRule(type="signal", interface=_BUS, path=_PATH)
        try:
            self._router.send_and_get_reply(message_bus.AddMatch(rule), timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - the bus went away under us
            self.shutdown()
            raise NotifyError(f"The session bus failed ({type(exc).__name__}).") from exc
        try:
            # Ask without D-Bus activation: opening Cadence must not launch a notification
            # daemon. If none runs yet, the first real notification activates one.
            self._handshake(activate=False)
        except NotifyError:
            self.server, self.capabilities = "", ()
        self._filter = self._router.filter(rule, queue=self._queue)
        self._pump = threading.Thread(target=self._signals, name="cadence-notify",
                                      daemon=True)
        self._pump.start()

    def _handshake(self, *, activate: bool) -> None:
        info = self._call("GetServerInformation", activate=activate)
        self.server = str(info[0])
        self.capabilities = tuple(self._call("GetCapabilities", activate=activate)[0])

    def max_buttons(self) -> int:
        """How many action buttons this server shows (GNOME Shell draws three)."""
        if "actions" not in self.capabilities:
            return 0
        return 3 if self.server.lower() in ("gnome-shell", "cinnamon") else 8

    def show(self, notice: Notice) -> int:
        if not self.server:
            self._handshake(activate=True)  # NotifyError: there really is no server
        buttons = self.max_buttons()
        actions: list[str] = []
        if buttons:
            keys = [k for k in notice.actions if k == "default"]
            keys += [k for k in notice.actions if k != "default"][:buttons]
            for key, label in notice.labelled_actions():
                if key in keys:
                    actions += [key, label]
        hints = {"urgency": ("y", 1), "desktop-entry": ("s", APP_ID),
                 "category": ("s", "x-cadence.reminder")}
        body = notice.body
        if "body-markup" in self.capabilities:
            body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        icon = str(self.icon) if self.icon is not None else ""
        reply = self._call("Notify", "susssasa{sv}i",
                           (APP_NAME, 0, icon, notice.title, body, actions, hints, -1))
        handle = int(reply[0])
        if handle <= 0:
            raise NotifyError(f"The notification server returned id {handle}.")
        self._sent.add(handle)
        return handle

    def close(self, handle: int) -> None:
        if handle in self._sent:
            self._call("CloseNotification", "u", (handle,))

    def _signals(self) -> None:
        while True:
            msg = self._queue.get()
            if msg is _STOP:
                return
            try:
                self._dispatch(msg)
            except Exception:  # noqa: BLE001 - a failing handler must not end the listener
                log.exception("notification signal handler failed")

    def _dispatch(self, msg: Any) -> None:
        from jeepney import HeaderFields

        member = msg.header.fields.get(HeaderFields.member)
        handle = int(msg.body[0])
        if handle not in self._sent:
            return  # another application's notification
        if member == "ActionInvoked":
            self._acted.add(handle)
            self._on_action(handle, str(msg.body[1]))
        elif member == "NotificationClosed":
            self._sent.discard(handle)
            acted = handle in self._acted
            self._acted.discard(handle)
            # a server closes a notification right after an action: that is not "dismiss"
            self._on_closed(handle, CLOSED_BY_CALL if acted else int(msg.body[1]))

    def shutdown(self) -> None:
        if self._filter is not None:
            self._filter.close()
            self._filter = None
        if self._pump is not None:
            self._queue.put(_STOP)
            self._pump.join(timeout=5)
            self._pump = None
        if self._router is not None:
            self._router.close()
            self._router = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class PlatformNotifier:
    """desktop-notifier (macOS Notification Center, Windows toasts; Linux D-Bus too) driven
    from its own asyncio loop thread."""

    name = "desktop-notifier"

    def __init__(self, *, icon: Path | None = None, timeout: float = 5.0) -> None:
        self.icon = icon
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="cadence-notifier-loop", daemon=True)
        self._notifier: Any = None
        self._ids: dict[int, str] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._on_action: ActionHandler = _ignore_action
        self._on_closed: ClosedHandler = _ignore_closed

    def set_handlers(self, on_action: ActionHandler, on_closed: ClosedHandler) -> None:
        self._on_action, self._on_closed = on_action, on_closed

    def start(self) -> None:
        try:
            from desktop_notifier import DesktopNotifier, Icon
        except ImportError as exc:
            raise NotifyError("desktop-notifier is not installed.") from exc
        self._thread.start()
        icon = Icon(path=self.icon) if self.icon is not None else None
        self._notifier = DesktopNotifier(app_name=APP_NAME, app_icon=icon)

    def _run(self, coro: Any) -> Any:
        try:
            return asyncio.run_coroutine_threadsafe(coro, self._loop).result(self.timeout)
        except Exception as exc:  # noqa: BLE001 - every backend failure means "not shown"
            raise NotifyError(f"The system refused the notification ({exc}).") from exc

    def show(self, notice: Notice) -> int:
        from desktop_notifier import Button

        with self._lock:
            self._next += 1
            handle = self._next

        def act(key: str) -> Callable[[], None]:
            return lambda: self._on_action(handle, key)

        buttons = [Button(title=label, on_pressed=act(key))
                   for key, label in notice.labelled_actions() if key != "default"]
        ident = self._run(self._notifier.send(
            title=notice.title, message=notice.body, buttons=buttons[:5],
            on_clicked=act("default"),
            on_dismissed=lambda: self._on_closed(handle, CLOSED_BY_USER)))
        self._ids[handle] = str(ident)
        return handle

    def close(self, handle: int) -> None:
        ident = self._ids.pop(handle, None)
        if ident is not None:
            self._run(self._notifier.clear(ident))

    def shutdown(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)


def default_notifier(icon: Path | None = None) -> DBusNotifier | PlatformNotifier:
    """The platform's notifier (not started): D-Bus on Linux/BSD, desktop-notifier elsewhere."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return DBusNotifier(icon=icon)
    return PlatformNotifier(icon=icon)
