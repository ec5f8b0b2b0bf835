"""Keeps Python's cyclic garbage collector from stalling the GUI at 100k tasks.

A full collection walks every tracked object; with 100k task records that is tens of
milliseconds, and it runs on whichever thread allocates, holding the GIL, so the GUI
thread stalls too. Task data is acyclic (plain refcounting frees it), so loaded data is
moved out of the collector's sight with ``gc.freeze()``; when the user has been idle for
a while, everything is unfrozen and collected once, so that no cyclic garbage lingers.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

IDLE_COLLECT_MS = 120_000  # at most one full collection per two idle minutes


class HeapKeeper(QObject):
    """Freezes the heap after big loads and collects fully when nothing else happens."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(IDLE_COLLECT_MS)
        self._timer.timeout.connect(self.on_timer_timeout)

    def loaded(self) -> None:
        """A large result is now owned by the GUI: take it out of future collections."""
        gc.freeze()
        self._timer.start()  # restarts: the full pass waits for a quiet moment

    def on_timer_timeout(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
