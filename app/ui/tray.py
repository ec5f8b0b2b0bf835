"""The system-tray icon: timer state in the icon and tooltip, start/stop/Pomodoro in its menu."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from app import APP_NAME, paths
from app.services.pomodoro import IDLE, PHASE_LABELS, WORK, PhaseChange, PomodoroState
from app.services.time_dto import RecentTask, TimerStatus
from app.services.time_rules import fmt_duration
from app.ui.time_controller import TimeController

RECENT_COUNT = 5
_COLORS = {"idle": "#6b7280", "running": "#1f9d55", "pomodoro": "#e5484d", "break": "#2f6fde"}
_icons: dict[str, QIcon] = {}


def tray_state(status: TimerStatus, pomodoro: PomodoroState) -> str:
    """idle, running or pomodoro (breaks show as 'break' when an icon for it exists)."""
    if pomodoro.phase == WORK:
        return "pomodoro"
    if pomodoro.phase != IDLE:
        return "break"
    return "running" if status.running else "idle"


def state_icon(state: str) -> QIcon:
    """The packaged tray-<state>.svg if there is one, else a painted icon."""
    icon = _icons.get(state)
    if icon is None:
        path = paths.resource("icons", f"tray-{state}.svg")
        icon = QIcon(str(path)) if path.exists() else QIcon()
        if icon.isNull() or not icon.availableSizes() and icon.pixmap(32).isNull():
            icon = painted_icon(state)
        _icons[state] = icon
    return icon


def painted_icon(state: str, size: int = 64) -> QIcon:
    """A round badge: grey clock (idle), green play (running), red/blue dot (Pomodoro)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64.0
    p.setPen(QPen(QColor("#ffffff"), 5 * s))
    p.setBrush(QColor(_COLORS.get(state, _COLORS["idle"])))
    p.drawEllipse(QRectF(6 * s, 6 * s, 52 * s, 52 * s))
    p.setBrush(QColor("#ffffff"))
    if state == "running":
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(QPolygonF([QPointF(25 * s, 19 * s), QPointF(46 * s, 32 * s),
                                 QPointF(25 * s, 45 * s)]))
    elif state in ("pomodoro", "break"):
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(24 * s, 24 * s, 16 * s, 16 * s))
    else:
        pen = QPen(QColor("#ffffff"), 5 * s)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawLine(QPointF(32 * s, 32 * s), QPointF(32 * s, 18 * s))
        p.drawLine(QPointF(32 * s, 32 * s), QPointF(42 * s, 38 * s))
    p.end()
    return QIcon(pixmap)


class TrayIcon(QSystemTrayIcon):
    """Shows what the TimeController knows; every action here also exists in the window.

    Signals:
        open_requested(): show and raise the main window.
        quit_requested(): quit Cadence (the running timer stays stored and keeps counting).
    """

    open_requested = Signal()
    quit_requested = Signal()

    def __init__(self, controller: TimeController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.state = ""
        self.menu = QMenu(parent)
        self.menu.setObjectName("tray_menu")
        self._build_menu()
        self.setContextMenu(self.menu)
        self.activated.connect(self.on_activated)
        self.menu.aboutToShow.connect(self.on_menu_about_to_show)
        controller.status_changed.connect(self.on_status_changed)
        controller.tick.connect(self.on_tick)
        controller.recent_changed.connect(self.on_recent_changed)
        controller.pomodoro_changed.connect(self.on_pomodoro_changed)
        controller.phase_changed.connect(self.on_phase_changed)
        controller.notice_undelivered.connect(self.on_notice_undelivered)
        self.on_recent_changed(controller.recent)
        self.update_all()

    def _build_menu(self) -> None:
        m = self.menu
        self.current_action = m.addAction("No timer running")
        self.current_action.setObjectName("tray_current")
        self.current_action.setEnabled(False)
        self.stop_action = m.addAction("Stop timer")
        self.stop_action.setObjectName("tray_stop")
        self.stop_action.triggered.connect(self.controller.stop)
        m.addSeparator()
        self.recent_header = m.addSection("Start timer on")
        self.recent_actions: list[QAction] = []
        for i in range(RECENT_COUNT):
            action = m.addAction("")
            action.setObjectName(f"tray_recent_{i}")
            action.setVisible(False)
            action.triggered.connect(lambda _checked=False, a=action: self._start_recent(a))
            self.recent_actions.append(action)
        m.addSeparator()
        self.pomodoro_action = m.addAction("Start Pomodoro")
        self.pomodoro_action.setObjectName("tray_pomodoro")
        self.pomodoro_action.triggered.connect(self.on_pomodoro_action)
        self.pomodoro_stop_action = m.addAction("Stop Pomodoro")
        self.pomodoro_stop_action.setObjectName("tray_pomodoro_stop")
        self.pomodoro_stop_action.triggered.connect(self.controller.pomodoro_stop)
        m.addSeparator()
        self.open_action = m.addAction(f"Open {APP_NAME}")
        self.open_action.setObjectName("tray_open")
        self.open_action.triggered.connect(self.open_requested)
        self.quit_action = m.addAction(f"Quit {APP_NAME}")
        self.quit_action.setObjectName("tray_quit")
        self.quit_action.triggered.connect(self.quit_requested)

    def _start_recent(self, action: QAction) -> None:
        task_id = action.data()
        if isinstance(task_id, str):
            self.controller.start(task_id)

    # -- updates from the controller -------------------------------------------------------
    def on_status_changed(self, _status: TimerStatus) -> None:
        self.update_all()

    def on_tick(self, _elapsed: int) -> None:
        self._update_texts()

    def on_pomodoro_changed(self, _state: PomodoroState) -> None:
        self.update_all()

    def on_phase_changed(self, _change: PhaseChange) -> None:
        self.update_all()

    def on_notice_undelivered(self, summary: str, body: str) -> None:
        """No desktop notification server: show Qt's own balloon from the tray instead."""
        if self.isVisible() and self.supportsMessages():
            self.showMessage(summary, body, self.icon(), 8000)

    def on_recent_changed(self, recent: list[RecentTask]) -> None:
        running = self.controller.status.entry
        shown = [r for r in recent if running is None or r.id != running.task_id]
        for action, task in zip(self.recent_actions, shown[:RECENT_COUNT], strict=False):
            label = task.title if not task.project else f"{task.title}  ·  {task.project}"
            action.setText(_menu_text(label))
            action.setData(task.id)
            action.setVisible(True)
        for action in self.recent_actions[len(shown):]:
            action.setVisible(False)
            action.setData(None)
        self.recent_header.setVisible(bool(shown))

    def on_menu_about_to_show(self) -> None:
        self.controller.refresh()  # another process may have started or stopped a timer
        self._update_texts()

    def on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.open_requested.emit()

    def update_all(self) -> None:
        c = self.controller
        state = tray_state(c.status, c.pomodoro_state())
        if state != self.state:
            self.state = state
            self.setIcon(state_icon(state))
        self.stop_action.setVisible(c.running)
        active = c.pomodoro.active
        self.pomodoro_action.setText("Skip to the next phase" if active else "Start Pomodoro")
        self.pomodoro_stop_action.setVisible(active)
        self.on_recent_changed(c.recent)
        self._update_texts()

    def _update_texts(self) -> None:
        c = self.controller
        entry = c.status.entry
        if entry is None:
            current = "No timer running"
        else:
            project = f" ({entry.project})" if entry.project else ""
            current = f"{entry.task_title}{project} — {fmt_duration(c.elapsed())}"
        lines = [f"{APP_NAME}: {current}"]
        pomo = c.pomodoro_state()
        if pomo.phase != IDLE:
            remaining = pomo.remaining(c.pomodoro.config, c.services.clock.now())
            lines.append(f"{PHASE_LABELS[pomo.phase]}: {remaining // 60}:{remaining % 60:02d} left")
        self.current_action.setText(_menu_text(current))
        tip = "\n".join(lines)
        if tip != self.toolTip():
            self.setToolTip(tip)

    def on_pomodoro_action(self) -> None:
        if self.controller.pomodoro.active:
            self.controller.pomodoro_skip()
        else:
            self.controller.pomodoro_start()


def _menu_text(text: str, width: int = 60) -> str:
    text = text.replace("&", "&&")
    return text if len(text) <= width else text[: width - 1] + "…"
