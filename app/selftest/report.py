"""One line of the self-test report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One line of the report; ``ok`` is None for an informational (optional) check."""

    name: str
    ok: bool | None
    detail: str

    def line(self) -> str:
        tag = "info" if self.ok is None else "ok" if self.ok else "FAIL"
        return f"{tag:<4} {self.name}: {self.detail}"
