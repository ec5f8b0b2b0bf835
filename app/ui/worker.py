"""Service calls off the GUI thread: one writer thread, one reader thread, results by signal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from app.errors import UserFacingError

log = logging.getLogger(__name__)

OnDone = Callable[[Any], None]
OnError = Callable[[UserFacingError], None]


@dataclass
class _Job:
    on_done: OnDone | None
    on_error: OnError | None
    label: str
    write: bool
    future: Future[None] | None = None
    key: str | None = None


class DbWorker(QObject):
    """Every database call from the GUI goes through here, so the GUI thread never waits on it.

    Writes run one at a time on a single writer thread (SQLite allows one writer); reads run
    on a separate reader thread beside it (WAL mode), and ``slow`` reads (sidebar counts)
    on a third thread so that they never hold up the list the user is waiting for.
    ``on_done``/``on_error`` are called on the GUI thread: the worker thread only emits
    ``_job_done``, which is connected here, on the GUI thread, to a bound method of this
    GUI-thread object (a queued connection).

    Signals:
        user_error(str): a UserFacingError that the caller gave no on_error for.
        bug(str): an unexpected exception; it has been logged with its traceback.
        busy_changed(bool): jobs started running / all jobs finished.
        idle(): the last pending job finished (its callbacks have run).
    """

    _job_done = Signal(int, object, object)
    user_error = Signal(str)
    bug = Signal(str)
    busy_changed = Signal(bool)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadence-writer")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadence-reader")
        self._slow = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadence-slow-reader")
        self._jobs: dict[int, _Job] = {}
        self._keyed: dict[str, int] = {}
        self._next_id = 0
        self._closed = False
        self._draining = False
        self.bugs: list[str] = []  # every bug message seen (tests assert this stays empty)
        self._job_done.connect(self._on_job_done)

    # -- public API ------------------------------------------------------------------------
    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
        write: bool = True,
        key: str | None = None,
        slow: bool = False,
    ) -> int:
        """Queue fn(*args); returns a job id (0: a read dropped while closing). Callbacks
        run later on the GUI thread.

        ``key`` coalesces reads: a queued (not yet started) job with the same key is
        cancelled, so fast typing never builds a backlog of stale queries.
        """
        if self._closed:
            raise RuntimeError("DbWorker is shut down")
        if self._draining and not write:
            return 0  # closing: nobody will look at a new read
        self._next_id += 1
        job_id = self._next_id
        job = _Job(on_done, on_error, getattr(fn, "__qualname__", repr(fn)), write, key=key)
        if key is not None:
            self._cancel_queued(key)
            self._keyed[key] = job_id
        was_idle = not self._jobs
        self._jobs[job_id] = job
        pool = self._writer if write else self._slow if slow else self._reader
        job.future = pool.submit(self._call, job_id, fn, args)
        if was_idle:
            self.busy_changed.emit(True)
        return job_id

    def pending(self) -> int:
        return len(self._jobs)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Run the event loop until every queued job and its callbacks are done (tests, exit)."""
        if not self._jobs:
            return True
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        self.idle.connect(loop.quit)
        timer.start(int(timeout * 1000))
        try:
            if self._jobs:
                loop.exec()
        finally:
            timer.stop()
            self.idle.disconnect(loop.quit)
        return not self._jobs

    def shutdown(self, timeout: float = 10.0) -> None:
        """Finish queued writes (callbacks included), drop reads, stop both threads."""
        if self._closed:
            return
        self._draining = True
        for job_id, job in list(self._jobs.items()):
            if not job.write:  # nobody waits for a read any more
                if job.future is not None:
                    job.future.cancel()
                del self._jobs[job_id]
        self._keyed.clear()
        self.wait_idle(timeout)
        self._closed = True
        self._writer.shutdown(wait=True, cancel_futures=True)
        self._reader.shutdown(wait=False, cancel_futures=True)
        self._slow.shutdown(wait=False, cancel_futures=True)

    # -- internals -------------------------------------------------------------------------
    def _cancel_queued(self, key: str) -> None:
        old_id = self._keyed.pop(key, None)
        old = self._jobs.get(old_id) if old_id is not None else None
        if old is not None and old.future is not None and old.future.cancel():
            del self._jobs[old_id]  # type: ignore[arg-type]

    def _call(self, job_id: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        """Runs on a worker thread: never touches widgets, only emits."""
        try:
            result: object = fn(*args)
            error: Exception | None = None
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
            result, error = None, exc
        if self._closed:
            return  # the window is gone: a late read has nobody to report to
        try:
            self._job_done.emit(job_id, result, error)
        except RuntimeError:  # the QObject was deleted while the job ran
            log.debug("dropped the result of %s: worker deleted", fn)

    def _on_job_done(self, job_id: int, result: object, error: object) -> None:
        job = self._jobs.pop(job_id, None)
        if job is None:
            return
        if job.key is not None and self._keyed.get(job.key) == job_id:
            del self._keyed[job.key]
        try:
            if error is None:
                if job.on_done is not None:
                    job.on_done(result)
            elif isinstance(error, UserFacingError):
                if job.on_error is not None:
                    job.on_error(error)
                else:
                    self.user_error.emit(str(error))
            else:
                assert isinstance(error, BaseException)
                self._report_bug(job.label, error)
        except Exception as exc:  # noqa: BLE001 - a failing callback is a bug, not a crash
            self._report_bug(f"callback of {job.label}", exc)
        finally:
            if not self._jobs:
                self.busy_changed.emit(False)
                self.idle.emit()

    def _report_bug(self, where: str, error: BaseException) -> None:
        log.error("Unexpected error in %s", where, exc_info=error)
        message = f"Unexpected error in {where}: {type(error).__name__}: {error}"
        self.bugs.append(message)
        self.bug.emit(message)
