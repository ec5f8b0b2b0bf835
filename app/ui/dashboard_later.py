"""Background work for the dashboard: small worker jobs, one at a time, never ahead of the user.

Charts scrolled out of view and the figures of the ranges the user may pick next are
computed here while the user looks. Each step is short (one chart, or one range's
figures), so a request from the user waits for at most one step; while it runs the queue
is held, and whatever was queued for an older request is dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from app.errors import UserFacingError

if TYPE_CHECKING:
    from app.ui.worker import DbWorker


@dataclass(frozen=True)
class _Step:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    on_done: Callable[[Any], None]
    tag: str = ""  # what it is for (a chart's name), for promote()


class Later:
    """A queue of background steps run on the worker's slow reader, one at a time."""

    def __init__(self, worker: DbWorker) -> None:
        self.worker = worker
        self._queue: deque[_Step] = deque()
        self._running = False
        self._held = False

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing running."""
        return not self._running and not self._queue

    def hold(self, *, keep: bool = False) -> None:
        """Start no step until release(); unless ``keep``, drop the queued ones (the user
        asked for something else)."""
        self._held = True
        if not keep:
            self._queue.clear()

    def release(self) -> None:
        self._held = False
        self._next()

    def add(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
            front: bool = False, tag: str = "") -> None:
        step = _Step(fn, args, on_done, tag)
        if front:
            self._queue.appendleft(step)
        else:
            self._queue.append(step)
        self._next()

    def promote(self, tags: set[str]) -> None:
        """Move the queued steps with these tags to the front (in their order)."""
        first = [step for step in self._queue if step.tag in tags]
        self._queue = deque(first + [step for step in self._queue if step.tag not in tags])

    def _next(self) -> None:
        if self._running or self._held or not self._queue:
            return
        step = self._queue.popleft()
        self._running = True
        self.worker.run(step.fn, *step.args, write=False, slow=True,
                        on_done=partial(self._finished, step), on_error=self._failed)

    def _finished(self, step: _Step, result: object) -> None:
        self._running = False
        try:
            step.on_done(result)
        finally:
            self._next()

    def _failed(self, _error: UserFacingError) -> None:
        # Background work only prepares: the user's own request reports any error.
        self._running = False
        self._next()


def single_shot(parent: QObject, ms: int, slot: Callable[[], object]) -> QTimer:
    """A one-shot timer, started by start() (restarted if it is running)."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer
