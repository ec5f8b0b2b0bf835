"""DbWorker: jobs off the GUI thread, results on it, errors routed, stale reads dropped."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from app.errors import ValidationError
from app.ui.worker import DbWorker


@pytest.fixture
def worker(qapp: Any) -> Any:
    w = DbWorker()
    yield w
    w.shutdown()


def test_jobs_run_off_the_gui_thread_and_report_on_it(worker: DbWorker) -> None:
    seen: dict[str, Any] = {}

    def job(x: int) -> int:
        seen["job_thread"] = threading.current_thread().name
        return x * 2

    def done(result: Any) -> None:
        seen["result"] = result
        seen["done_thread"] = threading.current_thread()

    worker.run(job, 21, on_done=done)
    assert worker.wait_idle(5)
    assert seen["result"] == 42
    assert seen["done_thread"] is threading.main_thread()
    assert seen["job_thread"].startswith("cadence-writer")
    worker.run(job, 1, write=False, on_done=done)
    assert worker.wait_idle(5)
    assert seen["job_thread"].startswith("cadence-reader")


def test_writes_run_in_order_on_one_thread(worker: DbWorker) -> None:
    order: list[int] = []
    threads: set[int] = set()

    def job(i: int) -> None:
        threads.add(threading.get_ident())
        order.append(i)

    for i in range(20):
        worker.run(job, i)
    assert worker.wait_idle(5)
    assert order == list(range(20)) and len(threads) == 1


def test_user_errors_and_bugs_are_routed(qtbot: Any, worker: DbWorker) -> None:
    def invalid() -> None:
        raise ValidationError("A task needs a title.")

    def broken() -> None:
        raise ZeroDivisionError("boom")

    got: list[str] = []
    worker.run(invalid, on_error=lambda exc: got.append(str(exc)))
    assert worker.wait_idle(5)
    assert got == ["A task needs a title."]
    with qtbot.waitSignal(worker.user_error) as blocker:
        worker.run(invalid)
    assert blocker.args == ["A task needs a title."]
    with qtbot.waitSignal(worker.bug) as blocker:
        worker.run(broken, on_error=lambda _exc: got.append("wrong"))
    assert "ZeroDivisionError: boom" in blocker.args[0]
    assert got == ["A task needs a title."]
    assert len(worker.bugs) == 1
    worker.bugs.clear()


def test_keyed_reads_drop_queued_stale_jobs(worker: DbWorker) -> None:
    gate = threading.Event()
    results: list[str] = []
    worker.run(gate.wait, 5, write=False)  # occupy the reader thread
    for text in ("p", "pa", "pay"):
        worker.run(str.upper, text, write=False, key="search", on_done=results.append)
    gate.set()
    assert worker.wait_idle(5)
    assert results == ["PAY"]


def test_wait_idle_times_out_while_a_job_runs(worker: DbWorker) -> None:
    gate = threading.Event()
    worker.run(gate.wait, 5)
    assert not worker.wait_idle(0.05)
    assert worker.pending() == 1
    gate.set()
    assert worker.wait_idle(5)


def test_shutdown_finishes_queued_writes(qapp: Any) -> None:
    worker = DbWorker()
    done: list[int] = []
    for i in range(5):
        worker.run(lambda i=i: i, on_done=done.append)
    worker.shutdown()
    assert done == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError):
        worker.run(print)


def test_shutdown_drops_reads_queued_by_write_callbacks(qapp: Any) -> None:
    worker = DbWorker()
    reads: list[str] = []

    def after_write(_result: object) -> None:  # e.g. "refresh the sidebar" after a save
        assert worker.run(reads.append, "late read", write=False) == 0

    gate = threading.Event()
    worker.run(gate.wait, 5, write=False)  # a long read in progress: not waited for
    worker.run(lambda: "saved", on_done=after_write)
    gate.set()
    worker.shutdown()
    assert reads == []
