"""The Timesheet view: a day or week of entries, totals per day/project/tag/task, CSV in/out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserFacingError
from app.services.time_csv import ImportPlan
from app.services.time_dto import TimeEntryDTO, Timesheet
from app.services.time_rules import fmt_duration
from app.services.time_tracking import TimeTracking
from app.ui.qt_helpers import named
from app.ui.time_controller import TimeController
from app.ui.time_entries_ops import EntryOps
from app.ui.timesheet_model import (
    BILLABLE,
    COLUMN_SAMPLES,
    DAY,
    TASK,
    EntryTableModel,
    sheet_rows,
)
from app.ui.timesheet_totals import TotalsPanel


@dataclass(frozen=True)
class LoadedSheet:
    sheet: Timesheet
    rows: list[list[str]]


def load_sheet(tt: TimeTracking, first: date, days: int) -> LoadedSheet:
    """Runs on the DB worker: the data and every cell's text, so the GUI thread only shows."""
    sheet = tt.sheet.sheet(first, days)
    return LoadedSheet(sheet, sheet_rows(sheet.entries, tt.clock.zone, tt.clock.now()))


class TimesheetView(QWidget):
    """Signals:
        loaded(): a timesheet was loaded and shown (tests and benchmarks wait on it).
    """

    loaded = Signal()

    def __init__(self, controller: TimeController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timesheet")
        self.controller = controller
        self.clock = controller.services.clock
        self.first_day = self.clock.today()
        self.days = 7
        self.sheet: Timesheet | None = None
        self._dirty = True
        self.ops = EntryOps(self, controller)
        self._build()
        self.set_week(self.clock.today())
        controller.entries_changed.connect(self.on_entries_changed)
        controller.store_changed.connect(self.on_entries_changed)
        controller.tick.connect(self.on_tick)

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        self.prev_button = self._tool("◀", "timesheet_prev", "Previous day or week")
        self.today_button = self._tool("Today", "timesheet_today", "Go to today")
        self.next_button = self._tool("▶", "timesheet_next", "Next day or week")
        self.title = named(QLabel(), "timesheet_title")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.day_button = self._tool("Day", "timesheet_day_mode", "Show one day")
        self.week_button = self._tool("Week", "timesheet_week_mode", "Show a week")
        modes = QButtonGroup(self)
        for b in (self.day_button, self.week_button):
            b.setCheckable(True)
            modes.addButton(b)
        self.add_button = self._tool("Add entry…", "timesheet_add", "Add a time entry by hand")
        self.export_button = self._tool("Export CSV…", "timesheet_export",
                                        "Save the shown entries as Toggl-compatible CSV")
        self.import_button = self._tool("Import CSV…", "timesheet_import",
                                        "Import a Toggl-compatible CSV file")
        top = QHBoxLayout()
        for w in (self.prev_button, self.today_button, self.next_button):
            top.addWidget(w)
        top.addSpacing(10)
        top.addWidget(self.title, 1)
        for w in (self.day_button, self.week_button):
            top.addWidget(w)
        top.addSpacing(16)
        for w in (self.add_button, self.export_button, self.import_button):
            top.addWidget(w)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 8, 10, 8)
        box.addLayout(top)
        box.addLayout(self._build_day_strip())
        box.addWidget(self._build_body(), 1)
        box.addLayout(self._build_footer())
        self._connect_buttons()

    def _build_day_strip(self) -> QHBoxLayout:
        self.day_strip = QHBoxLayout()
        self.day_strip.setSpacing(4)
        self.day_buttons: list[QToolButton] = []
        for i in range(7):
            b = self._tool("", f"timesheet_day_{i}", "Show this day")
            b.setMinimumWidth(86)
            b.clicked.connect(lambda _c=False, n=i: self.open_day(n))
            self.day_buttons.append(b)
            self.day_strip.addWidget(b)
        self.day_strip.addStretch(1)
        return self.day_strip

    def _build_body(self) -> QSplitter:
        self.model = EntryTableModel(self)
        self.table = named(QTableView(), "timesheet_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TASK, QHeaderView.ResizeMode.Stretch)
        # Widths from sample texts, not ResizeToContents (which asks every row: 20k calls).
        metrics = self.fontMetrics()
        for column, sample in COLUMN_SAMPLES.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 18)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.on_table_context_menu)
        self.table.doubleClicked.connect(lambda index: self.ops.edit(self.entry_at(index.row())))
        self.totals = TotalsPanel()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.totals)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        return split

    def _build_footer(self) -> QHBoxLayout:
        self.total_label = named(QLabel(), "timesheet_total")
        self.status_label = named(QLabel(), "timesheet_status")
        self.status_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total_label)
        bottom.addWidget(self.status_label, 1)
        return bottom

    def _connect_buttons(self) -> None:
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)
        self.day_button.clicked.connect(lambda: self.set_day(self.first_day))
        self.week_button.clicked.connect(lambda: self.set_week(self.first_day))
        self.add_button.clicked.connect(lambda: self.ops.add(self._default_day()))
        self.export_button.clicked.connect(self.export_csv)
        self.import_button.clicked.connect(self.import_csv)

    def _tool(self, text: str, name: str, tip: str) -> QToolButton:
        b = named(QToolButton(), name)
        b.setText(text)
        b.setToolTip(tip)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return b

    # -- navigation ------------------------------------------------------------------------
    def set_week(self, day: date) -> None:
        self.first_day, self.days = day - timedelta(days=day.weekday()), 7
        self.week_button.setChecked(True)
        self.reload()

    def set_day(self, day: date) -> None:
        self.first_day, self.days = day, 1
        self.day_button.setChecked(True)
        self.reload()

    def step(self, direction: int) -> None:
        self.first_day += timedelta(days=self.days * direction)
        self.reload()

    def go_today(self) -> None:
        (self.set_week if self.days == 7 else self.set_day)(self.clock.today())

    def open_day(self, n: int) -> None:
        self.set_day(self.first_day + timedelta(days=n))

    def _default_day(self) -> date:
        today = self.clock.today()
        last = self.first_day + timedelta(days=self.days - 1)
        return today if self.first_day <= today <= last else last

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        last = self.first_day + timedelta(days=self.days - 1)
        self.title.setText(_range_title(self.first_day, last))
        if not self.isVisible():
            self._dirty = True
            return
        self._dirty = False
        self.controller.worker.run(load_sheet, self.controller.time, self.first_day,
                                   self.days, write=False, key="timesheet",
                                   on_done=self.on_sheet_loaded, on_error=self.on_error)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._dirty:
            self.reload()

    def on_entries_changed(self) -> None:
        self.reload()

    def on_error(self, error: UserFacingError) -> None:
        self.show_status(str(error))

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def on_sheet_loaded(self, loaded: LoadedSheet) -> None:
        self.show_sheet(loaded.sheet, loaded.rows)

    def show_sheet(self, sheet: Timesheet, rows: list[list[str]] | None = None) -> None:
        if sheet.first_day != self.first_day or len(sheet.days) != self.days:
            return  # the user moved on while it loaded
        self.sheet = sheet
        selected = self.selected_entries()
        self.model.reset(list(sheet.entries), self.clock.zone, self.clock.now(), rows)
        for entry in selected:
            row = self.model.row_of(entry.id)
            if row >= 0:
                self.table.selectRow(row)
        self.table.setColumnHidden(DAY, self.days == 1)
        self.table.setColumnHidden(BILLABLE, not any(e.billable for e in sheet.entries))
        for button, total in zip(self.day_buttons, sheet.by_day, strict=False):
            day = date.fromisoformat(total.key)
            button.setText(f"{day:%a %d}\n{fmt_duration(total.seconds) if total.seconds else '–'}")
            button.setVisible(self.days == 7)
        for button in self.day_buttons[len(sheet.by_day):]:
            button.setVisible(False)
        self.totals.show_sheet(sheet)
        self.total_label.setText(f"Total {fmt_duration(sheet.total)}  ·  "
                                 f"{len(sheet.entries)} entr"
                                 f"{'y' if len(sheet.entries) == 1 else 'ies'}")
        self.loaded.emit()

    def on_tick(self, _elapsed: int) -> None:
        if self.isVisible() and self.sheet is not None:
            self.model.set_now(self.clock.now())

    # -- entries ---------------------------------------------------------------------------
    def entry_at(self, row: int) -> TimeEntryDTO | None:
        return self.model.entry(row)

    def selected_entries(self) -> list[TimeEntryDTO]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [e for e in (self.model.entry(r) for r in rows) if e is not None]

    def on_table_context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def context_menu(self) -> QMenu:
        entries = self.selected_entries()
        menu = QMenu(self)
        one = entries[0] if len(entries) == 1 else None
        menu.addAction("Edit…", lambda: self.ops.edit(one)).setEnabled(one is not None)
        menu.addAction("Split…", lambda: self.ops.split(one)).setEnabled(one is not None)
        menu.addAction("Merge", lambda: self.ops.merge(entries)).setEnabled(len(entries) == 2)
        menu.addAction("Move to task…", lambda: self.ops.move(entries)).setEnabled(
            bool(entries))
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.ops.delete(entries)).setEnabled(bool(entries))
        menu.addSeparator()
        menu.addAction("Add entry…", lambda: self.ops.add(self._default_day()))
        return menu

    # -- CSV -------------------------------------------------------------------------------
    def export_csv(self) -> None:
        last = self.first_day + timedelta(days=self.days - 1)
        name = f"cadence-{self.first_day:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export time entries", str(Path.home() / name),
                                              "CSV files (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        last = self.first_day + timedelta(days=self.days - 1)
        export = partial(self.controller.time.csv.export_file,
                         email=self.controller.settings.email)
        self.controller.worker.run(
            export, path, self.first_day, last, write=False,
            on_done=lambda n: self.show_status(f"Exported {n} entries to {path}."),
            on_error=self.on_error)

    def import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import time entries", str(Path.home()),
                                              "CSV files (*.csv);;All files (*)")
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path, *, confirm: bool = True) -> None:
        self.controller.worker.run(self.controller.time.csv.read_file, path, write=False,
                                   on_done=lambda plan: self._on_plan(plan, confirm),
                                   on_error=self.on_error)

    def _on_plan(self, plan: ImportPlan, confirm: bool) -> None:
        if plan.errors and confirm and not self._confirm_partial(plan):
            self.show_status("Nothing was imported.")
            return
        if not plan.rows:
            self.show_status("Nothing to import: " + (plan.errors[0] if plan.errors else
                                                      "the file has no rows."))
            return
        skipped = f", skipped {len(plan.errors)} bad rows" if plan.errors else ""
        self.controller.worker.run(
            self.controller.time.csv.apply, plan,
            on_done=lambda n: self._after_import(f"Imported {n} entries{skipped}."),
            on_error=self.on_error)

    def _confirm_partial(self, plan: ImportPlan) -> bool:
        shown = "\n".join(plan.errors[:15])
        more = f"\n… and {len(plan.errors) - 15} more" if len(plan.errors) > 15 else ""
        box = QMessageBox(QMessageBox.Icon.Warning, "Some rows cannot be imported",
                          f"{len(plan.errors)} row(s) have problems:\n\n{shown}{more}",
                          parent=self)
        go = box.addButton(f"Import the {len(plan.rows)} good rows",
                           QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        go.setEnabled(bool(plan.rows))
        box.exec()
        return box.clickedButton() is go

    def _after_import(self, text: str) -> None:
        self.show_status(text)
        self.controller.entries_changed.emit()


def _range_title(first: date, last: date) -> str:
    if first == last:
        return f"{first:%A %d %B %Y}"
    if first.year != last.year:
        return f"{first:%d %b %Y} – {last:%d %b %Y}"
    if first.month != last.month:
        return f"{first:%d %b} – {last:%d %b %Y}"
    return f"{first:%d} – {last:%d %B %Y}"
