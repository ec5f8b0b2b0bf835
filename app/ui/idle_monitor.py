"""Qt shell around ``services.idle``: polls the idle source off the GUI thread while a timer
runs, and forwards suspend/resume and screen lock from D-Bus.

Wired on D-Bus (where the services exist): logind ``PrepareForSleep(b)`` on the system bus,
``org.freedesktop.ScreenSaver.ActiveChanged(b)`` and ``org.gnome.ScreenSaver.ActiveChanged(b)``
on the session bus. Without them a suspend is still noticed by the clock jump check, and a
lock shows up as ordinary idle time from the platform source.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import SLOT, QObject, QTimer, Signal, Slot
from PySide6.QtDBus import QDBusConnection

from app.services.idle import AwayPeriod, IdleSource, IdleWatcher
from app.services.idle_sources import detect_idle_source

log = logging.getLogger(__name__)
POLL_MS = 5000
_SCREENSAVERS = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


class IdleMonitor(QObject):
    """Signals:
        away(object): an AwayPeriod, once, when the user is back after the threshold.
        reading(object): each idle reading (seconds or None), for tests and diagnostics.
    """

    away = Signal(object)
    reading = Signal(object)
    _read = Signal(object)

    def __init__(self, parent: QObject | None = None, *, threshold: float = 300.0,
                 source_factory: Callable[[], IdleSource | None] = detect_idle_source,
                 poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.watcher = IdleWatcher(None, threshold)
        self._factory = source_factory
        self._source: IdleSource | None = None
        self._made = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadence-idle")
        self._busy = False
        self._active = False
        self.wired: list[str] = []  # what D-Bus events are connected (shown in diagnostics)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.on_timer_timeout)
        self._read.connect(self.on_read)

    @property
    def source_name(self) -> str:
        return self._source.name if self._source is not None else "none"

    def set_threshold(self, seconds: float) -> None:
        """0 turns idle detection off."""
        self.watcher.threshold = seconds if seconds > 0 else float("inf")

    def set_active(self, active: bool) -> None:
        """Poll only while a timer runs: nothing ticks when Cadence is idle."""
        if active == self._active:
            return
        self._active = active
        if active:
            self.watcher.reset()
            self._timer.start()
            self.on_timer_timeout()
        else:
            self._timer.stop()
            self.watcher.reset()

    @property
    def active(self) -> bool:
        return self._active

    # -- polling off the GUI thread --------------------------------------------------------
    def on_timer_timeout(self) -> None:
        if self._busy:
            return  # the previous reading has not come back yet (a slow D-Bus peer)
        self._busy = True
        self._pool.submit(self._poll_job)

    def _poll_job(self) -> None:
        """Runs on the idle thread, which owns the source (X display / bus connection)."""
        if not self._made:
            self._made = True
            self._source = self._factory()
            log.info("idle source: %s", self.source_name)
        try:
            value = self._source.idle_seconds() if self._source is not None else None
        except OSError as exc:
            log.warning("idle source failed: %s", exc)
            value = None
        self._read.emit(value)

    def on_read(self, value: object) -> None:
        self._busy = False
        idle = float(value) if isinstance(value, (int, float)) else None
        self.reading.emit(idle)
        if self._active:
            self._report(self.watcher.observe(idle))

    def _report(self, period: AwayPeriod | None) -> None:
        if period is not None and self._active:
            self.away.emit(period)

    # -- suspend and lock ------------------------------------------------------------------
    def connect_dbus(self) -> list[str]:
        system, session = QDBusConnection.systemBus(), QDBusConnection.sessionBus()
        if system.isConnected() and _connect(
                system, "org.freedesktop.login1", "/org/freedesktop/login1",
                "org.freedesktop.login1.Manager", "PrepareForSleep", self,
                "on_prepare_for_sleep(bool)"):
            self.wired.append("logind PrepareForSleep")
        if session.isConnected():
            for path, iface in _SCREENSAVERS:
                if _connect(session, "", path, iface, "ActiveChanged", self,
                            "on_screensaver_active_changed(bool)"):
                    self.wired.append(f"{iface}.ActiveChanged")
        log.info("idle events wired: %s", ", ".join(self.wired) or "none")
        return self.wired

    @Slot(bool)
    def on_prepare_for_sleep(self, sleeping: bool) -> None:
        if not self._active:
            return
        if sleeping:
            self.watcher.suspending()
        else:
            self._report(self.watcher.resumed())

    @Slot(bool)
    def on_screensaver_active_changed(self, active: bool) -> None:
        if not self._active:
            return
        if active:
            self.watcher.locked()
        else:
            self._report(self.watcher.unlocked())

    def shutdown(self) -> None:
        self._timer.stop()

        def close() -> None:
            if self._source is not None:
                self._source.close()

        self._pool.submit(close)
        self._pool.shutdown(wait=False)


def _connect(bus: QDBusConnection, service: str, path: str, iface: str, name: str,
             receiver: QObject, slot: str) -> bool:
    """QDBusConnection.connect with a SLOT() string (the stubs say bytes; PySide6 wants str)."""
    connect: Any = bus.connect
    return bool(connect(service, path, iface, name, receiver, SLOT(slot)))
