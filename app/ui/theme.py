"""Light and dark Fusion palettes that follow the OS colour scheme, plus semantic colours."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

# Priority colours chosen to read on both backgrounds (checked against #ffffff and #1f2125).
_PRIORITY = {
    False: {1: "#d1242f", 2: "#c2610c", 3: "#2f6fde", 4: "#8a8f98"},
    True: {1: "#ff6b6b", 2: "#f5a524", 3: "#6aa7ff", 4: "#9aa0a6"},
}
PRIORITY_NAMES = {1: "P1 (highest)", 2: "P2", 3: "P3", 4: "P4 (default)"}

_PALETTES: dict[bool, dict[str, str]] = {
    False: {
        "Window": "#f4f5f7", "WindowText": "#1f2328", "Base": "#ffffff",
        "AlternateBase": "#f6f8fa", "Text": "#1f2328", "Button": "#f4f5f7",
        "ButtonText": "#1f2328", "Highlight": "#2f6fde", "HighlightedText": "#ffffff",
        "ToolTipBase": "#ffffff", "ToolTipText": "#1f2328", "PlaceholderText": "#8a8f98",
        "Link": "#2f6fde", "Mid": "#d0d7de",
    },
    True: {
        "Window": "#25272b", "WindowText": "#e6e6e6", "Base": "#1f2125",
        "AlternateBase": "#272a2f", "Text": "#e6e6e6", "Button": "#2d3035",
        "ButtonText": "#e6e6e6", "Highlight": "#3b6fc4", "HighlightedText": "#ffffff",
        "ToolTipBase": "#2d3035", "ToolTipText": "#e6e6e6", "PlaceholderText": "#8b9098",
        "Link": "#6aa7ff", "Mid": "#3a3d42", "BrightText": "#ffffff", "Light": "#3a3d42",
        "Dark": "#151618", "Shadow": "#000000",
    },
}


@dataclass
class Colors:
    """Semantic colours of the current scheme; item models read these in data()."""

    dark: bool
    priority: dict[int, QColor]
    overdue: QColor
    today: QColor
    muted: QColor
    error: QColor
    accent: QColor
    text: QColor  # the palette's window text (icons are painted in it)
    priority_icons: dict[int, QIcon] = field(default_factory=dict)

    def priority_icon(self, priority: int) -> QIcon:
        """Built on first use (a QPixmap needs a running QGuiApplication)."""
        icon = self.priority_icons.get(priority)
        if icon is None:
            color = self.priority.get(priority, self.muted)
            icon = self.priority_icons[priority] = dot_icon(color, hollow=priority == 4)
        return icon


def _make_colors(dark: bool) -> Colors:
    colors = Colors(
        dark=dark,
        priority={p: QColor(c) for p, c in _PRIORITY[dark].items()},
        overdue=QColor("#ff6b6b" if dark else "#c62828"),
        today=QColor("#4ade80" if dark else "#1b7f3b"),
        muted=QColor("#8b9098" if dark else "#80868e"),
        error=QColor("#ff7b72" if dark else "#c62828"),
        accent=QColor("#6aa7ff" if dark else "#2f6fde"),
        text=QColor(_PALETTES[dark]["WindowText"]),
    )
    return colors


def dot_icon(color: QColor, *, hollow: bool = False, size: int = 14) -> QIcon:
    """A small filled (or ring) circle: priority markers and project colours."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(3.0, 3.0, size - 6.0, size - 6.0)
    if hollow:
        pen = painter.pen()
        pen.setColor(color)
        pen.setWidthF(1.5)
        painter.setPen(pen)
        painter.drawEllipse(rect)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)


class _State:
    colors = _make_colors(False)
    manager: ThemeManager | None = None


def current() -> Colors:
    return _State.colors


def manager() -> ThemeManager | None:
    """The application's ThemeManager (None until run_gui or a test created one)."""
    return _State.manager


def palette_for(dark: bool) -> QPalette:
    pal = QPalette()
    for role, value in _PALETTES[dark].items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(value))
    disabled = QColor("#6b7078" if dark else "#a0a4aa")
    for group_role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                       QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, group_role, disabled)
    return pal


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


class ThemeManager(QObject):
    """Applies Fusion with a light or dark palette and follows the OS when it switches.

    Signals:
        theme_changed(bool): the scheme changed; the argument is True for dark.
    """

    theme_changed = Signal(bool)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        _State.manager = self
        self._app = app
        self._forced: bool | None = None
        app.setStyle("Fusion")
        app.styleHints().colorSchemeChanged.connect(self.on_hints_color_scheme_changed)
        self.apply(system_is_dark())

    @property
    def dark(self) -> bool:
        return _State.colors.dark

    def force(self, dark: bool | None) -> None:
        """Override the OS scheme (None follows the OS again)."""
        self._forced = dark
        self.apply(system_is_dark() if dark is None else dark)

    def on_hints_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._forced is None:
            self.apply(scheme == Qt.ColorScheme.Dark)

    def apply(self, dark: bool) -> None:
        _State.colors = _make_colors(dark)
        self._app.setPalette(palette_for(dark))
        self.theme_changed.emit(dark)
