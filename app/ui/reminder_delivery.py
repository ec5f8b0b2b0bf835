"""Showing reminders: desktop notification, else the tray's message, else the window.

Never silence: the window path is the status bar, a taskbar alert and the bell.
Notification actions come back here.

The notifier talks D-Bus (blocking calls) on its own thread; results and the server's
ActionInvoked/NotificationClosed signals reach the GUI thread as queued Qt signals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from app.services.notify import CLOSED_BY_USER, Notifier, NotifyError
from app.services.reminder_dto import Delivery
from app.services.reminder_text import Notice, notice_for, summary_notice

log = logging.getLogger(__name__)

RETRY_S = 300.0  # after a failed start, try the notification server again this often


class NotifyBridge(QObject):
    """Runs notifier calls on one thread; callbacks run on the GUI thread.

    Signals:
        action_invoked(int, str): notification id, action key.
        closed(int, int): notification id, reason.
    """

    action_invoked = Signal(int, str)
    closed = Signal(int, int)
    _done = Signal(object, object, object)

    def __init__(self, notifier: Notifier, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notifier = notifier
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadence-notify")
        self._done.connect(self._on_done)
        notifier.set_handlers(self.action_invoked.emit, self.closed.emit)

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_done: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
        def call() -> None:
            try:
                result = fn(*args)
            except NotifyError as exc:
                self._done.emit(on_error, None, str(exc))
            except Exception as exc:  # noqa: BLE001 - any backend failure is "not shown"
                log.exception("notifier call failed")
                self._done.emit(on_error, None, f"{type(exc).__name__}: {exc}")
            else:
                self._done.emit(on_done, result, None)

        self._pool.submit(call)

    def _on_done(self, callback: Callable[[Any], None], result: object, error: object) -> None:
        callback(error if error is not None else result)

    def shutdown(self) -> None:
        self._pool.submit(self.notifier.shutdown)
        self._pool.shutdown(wait=True, cancel_futures=False)


class ReminderPresenter(QObject):
    """Shows deliveries and routes what the user does with them.

    Signals:
        action_requested(object, str): reminder ids (tuple), action key — from a
            notification; the integration performs it.
        problem(str): a one-time explanation why popups are not available.
        shown_in_app(object): a Notice that could only be shown inside the window.
    """

    action_requested = Signal(object, str)
    problem = Signal(str)
    shown_in_app = Signal(object)

    def __init__(self, window: QWidget, notifier: Notifier | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.bridge = NotifyBridge(notifier, self) if notifier is not None else None
        self.ready = False
        self.unavailable: str | None = None if notifier is not None else \
            "No desktop notification service is available on this system."
        self.handles: dict[int, Notice] = {}
        self.shown: list[tuple[str, Notice]] = []  # (path, notice): what went where
        self._pending: list[Notice] = []
        self._reported = False
        self._attempt = 0.0
        if self.bridge is not None:
            self.bridge.action_invoked.connect(self.on_bridge_action_invoked)
            self.bridge.closed.connect(self.on_bridge_closed)

    def start(self) -> None:
        if self.bridge is None:
            self._report(self.unavailable or "")
            return
        self._attempt = time.monotonic()
        self.bridge.submit(self._start_fn(), on_done=self._on_started,
                           on_error=self._on_start_failed)

    def _start_fn(self) -> Callable[[], object]:
        assert self.bridge is not None
        start = getattr(self.bridge.notifier, "start", None)
        return start if callable(start) else (lambda: None)

    def shutdown(self) -> None:
        if self.bridge is not None:
            self.bridge.shutdown()
            self.bridge = None

    # -- showing ---------------------------------------------------------------------------
    def present(self, delivery: Delivery) -> None:
        notices = [notice_for(r) for r in delivery.individual]
        for reminders, reason in ((delivery.grouped, "missed"), (delivery.held, "quiet"),
                                  (delivery.overflow, "many")):
            if reminders:
                notices.append(summary_notice(reminders, reason))
        for notice in notices:
            self.show(notice)

    def show(self, notice: Notice) -> None:
        if self.bridge is None:
            self._fallback(notice)
        elif not self.ready:
            self._pending.append(notice)  # the server handshake is still running
        elif self.unavailable is not None:
            self._fallback(notice)
            self._retry_start()
        else:
            self.bridge.submit(self.bridge.notifier.show, notice,
                               on_done=lambda handle: self._on_shown(notice, handle),
                               on_error=lambda error: self._on_show_failed(notice, error))

    def _retry_start(self) -> None:
        """A notification server may appear later (a session starting up): try again,
        at most every few minutes."""
        if self.bridge is None or time.monotonic() - self._attempt < RETRY_S:
            return
        self._attempt = time.monotonic()
        self.bridge.submit(self._start_fn(), on_done=self._on_restarted,
                           on_error=lambda _error: None)

    def _on_restarted(self, _result: object) -> None:
        self.unavailable = None

    def _on_started(self, _result: object) -> None:
        self.ready = True
        pending, self._pending = self._pending, []
        for notice in pending:
            self.show(notice)

    def _on_start_failed(self, error: str) -> None:
        self.unavailable = f"Desktop notifications are unavailable: {error}"
        self._report(self.unavailable)
        self._on_started(None)

    def _on_shown(self, notice: Notice, handle: int) -> None:
        self.handles[int(handle)] = notice
        self.shown.append(("desktop", notice))

    def _on_show_failed(self, notice: Notice, error: str) -> None:
        self._report(f"Desktop notifications are unavailable: {error}")
        self._fallback(notice)

    def _report(self, message: str) -> None:
        """Explain once per session; later failures quietly use the fallback."""
        if self._reported:
            return
        self._reported = True
        log.warning("%s", message)
        self.problem.emit(f"{message} Reminders appear in the tray or under the bell.")

    def _fallback(self, notice: Notice) -> None:
        tray = _tray_icon(self.window)
        if tray is not None:
            tray.showMessage(notice.title, notice.body,
                             QSystemTrayIcon.MessageIcon.Information, 15_000)
            self.shown.append(("tray", notice))
            return
        self.shown.append(("window", notice))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            QApplication.alert(self.window, 0)
        self.shown_in_app.emit(notice)

    # -- what the user did -----------------------------------------------------------------
    def on_bridge_action_invoked(self, handle: int, key: str) -> None:
        notice = self.handles.get(handle)
        if notice is not None:
            self.action_requested.emit(notice.reminder_ids, key)
            self.retract(notice.reminder_ids)  # some servers keep it open after an action

    def retract(self, reminder_ids: tuple[int, ...]) -> None:
        """Close the desktop notifications of reminders that were dealt with."""
        gone = set(reminder_ids)
        for handle, notice in list(self.handles.items()):
            if self.bridge is not None and gone & set(notice.reminder_ids):
                del self.handles[handle]
                self.bridge.submit(self.bridge.notifier.close, handle,
                                   on_done=lambda _r: None, on_error=lambda _e: None)

    def on_bridge_closed(self, handle: int, reason: int) -> None:
        notice = self.handles.pop(handle, None)
        if notice is None or reason != CLOSED_BY_USER:
            return
        # Closing one reminder means "seen it, done"; closing a summary keeps the
        # reminders in the centre, read.
        self.action_requested.emit(notice.reminder_ids,
                                   "dismiss" if len(notice.reminder_ids) == 1 else "seen")


def _tray_icon(window: QWidget) -> QSystemTrayIcon | None:
    """A visible tray icon of this app that can show messages, if any."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    app = QApplication.instance()
    owners: list[QObject] = [window] + ([app] if app is not None else [])
    for owner in owners:
        for tray in owner.findChildren(QSystemTrayIcon):
            if tray.isVisible() and tray.supportsMessages():
                return tray
    return None
