"""Running `cadence` in-process in tests, and checking its exit code and output."""

from __future__ import annotations

from collections.abc import Callable

Run = Callable[..., tuple[int, str, str]]


def ok(result: tuple[int, str, str]) -> str:
    """Exit 0 with nothing on stderr; returns stdout."""
    code, out, err = result
    assert (code, err) == (0, ""), err
    return out


def bad(result: tuple[int, str, str]) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr; returns that line."""
    code, out, err = result
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.strip()
