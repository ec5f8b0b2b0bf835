"""The dashboard's actions: exports (charts, CSV, PDF report) and baseline and target."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui import dashboard_jobs as jobs
from app.ui import theme
from app.ui.dashboard_controls import TargetDialog

if TYPE_CHECKING:
    from app.errors import UserFacingError
    from app.services.analytics_types import Figures
    from app.ui.dashboard_controls import RangeBar
    from app.ui.dashboard_integration import DashboardHost


class ActionsMixin:
    """Exports and the baseline/target dialog of the Dashboard (mixed into it; exports
    draw fresh figures on the worker, never the ones on screen)."""

    host: DashboardHost
    figures: Figures | None
    range_bar: RangeBar
    dimension: str
    donut: bool
    on_job_error: Callable[[UserFacingError], None]
    refresh: Callable[[], None]

    def open_target_dialog(self) -> None:
        f = self.figures
        baseline = f.baseline.per_week if f is not None and f.baseline.source == "set" else None
        target = f.target_percent if f is not None else 20.0
        parent = self if isinstance(self, QWidget) else None
        TargetDialog(baseline, target, self.save_target, parent).open()

    def save_target(self, baseline: float | None, target: float) -> None:
        self.host.worker.run(jobs.save_settings, self.host.services, baseline, target,
                             on_done=lambda _r: self.refresh(), on_error=self.on_job_error)

    def _suggest(self, stem: str, suffix: str) -> str:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
        q = self.figures.query if self.figures is not None else None
        span = f"-{q.first:%Y%m%d}-{q.last:%Y%m%d}" if q is not None else ""
        return str(Path(folder) / f"cadence-{stem}{span}.{suffix}")

    def _ask(self, caption: str, stem: str, suffix: str, pattern: str,
             then: partial[None]) -> None:
        parent = self if isinstance(self, QWidget) else None
        dialog = QFileDialog(parent, caption, self._suggest(stem, suffix), pattern)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.fileSelected.connect(lambda path: then(Path(path)))
        dialog.open()

    def ask_chart(self, name: str, fmt: str) -> None:
        self._ask("Save chart", name, fmt, f"{fmt.upper()} image (*.{fmt})",
                  partial(self.export_chart, name))

    def ask_csv(self) -> None:
        self._ask("Save the numbers", "numbers", "csv", "CSV (*.csv)", partial(self.export_csv))

    def ask_pdf(self) -> None:
        self._ask("Save the report", "report", "pdf", "PDF (*.pdf)", partial(self.export_pdf))

    def _export(self, fn: object, *args: object) -> None:
        if self.figures is None:
            self.host.show_message("Nothing to export yet.")
            return
        self.host.worker.run(fn, self.figures, *args, write=False, slow=True,  # type: ignore[arg-type]
                             on_done=self.on_exported, on_error=self.on_job_error)

    def export_chart(self, name: str, path: Path) -> None:
        self._export(jobs.export_chart, name, path, theme.current().dark, self.dimension,
                     self.donut)

    def export_csv(self, path: Path) -> None:
        self._export(jobs.export_csv, path)

    def export_pdf(self, path: Path) -> None:
        self._export(jobs.export_pdf, path, self.scope_text())

    def on_exported(self, path: Path) -> None:
        self.host.show_message(f"Saved {path}")

    def scope_text(self) -> str:
        bar = self.range_bar
        parts = [c.currentText() for c in (bar.project_combo, bar.tag_combo)
                 if c.currentData()]
        return " and ".join(parts) or "All projects"
