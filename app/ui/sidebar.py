"""The sidebar: built-in views with counts, nestable projects (drag to reorder), tags, filters."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QDragMoveEvent, QDropEvent, QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.services.dto import ProjectDTO, TagDTO
from app.services.task_query import COMPLETED, INBOX, OVERDUE, TODAY, UPCOMING, View
from app.ui import theme
from app.ui.icons import icon
from app.ui.jobs import SidebarData

VIEW_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "view", "header:projects", "header:tags", ...
BUILT_IN = (INBOX, TODAY, UPCOMING, OVERDUE, COMPLETED)


def view_key(view: View) -> tuple[str, str | None]:
    return view.kind, view.ref


class Sidebar(QTreeWidget):
    """Navigation tree. Emits requests; the main window performs them through the worker.

    Signals:
        view_selected(object): a View was chosen.
        project_move_requested(str, object, object, object): (id, parent id, after, before).
        new_project_requested(object): parent project id or None.
        rename_project_requested(str), color_project_requested(str),
        delete_project_requested(str), delete_filter_requested(str).
    """

    view_selected = Signal(object)
    project_move_requested = Signal(str, object, object, object)
    new_project_requested = Signal(object)
    rename_project_requested = Signal(str)
    color_project_requested = Signal(str)
    delete_project_requested = Signal(str)
    delete_filter_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFrameShape(QTreeWidget.Shape.NoFrame)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 48)
        self.projects: dict[str, ProjectDTO] = {}
        self.tags: dict[str, TagDTO] = {}
        self._shape: tuple[object, ...] = ()
        self._items: dict[tuple[str, str | None], QTreeWidgetItem] = {}
        self._headers: dict[str, QTreeWidgetItem] = {}
        self._current: tuple[str, str | None] = view_key(INBOX)
        self._collapsed: set[str] = set()
        self._muting = False
        self._icons: dict[str, QIcon] = {}
        self._build_fixed()
        self.currentItemChanged.connect(self.on_current_item_changed)
        self.itemCollapsed.connect(self.on_item_collapsed)
        self.itemExpanded.connect(self.on_item_expanded)
        self.customContextMenuRequested.connect(self.on_context_menu)

    # -- building --------------------------------------------------------------------------
    def _build_fixed(self) -> None:
        for view in BUILT_IN:
            item = QTreeWidgetItem(self, [view.title, ""])
            self._attach(item, view)
        for key, title in (("projects", "PROJECTS"), ("tags", "TAGS"), ("filters", "FILTERS")):
            header = QTreeWidgetItem(self, [title, ""])
            font = QFont(header.font(0))
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            header.setFont(0, font)
            header.setData(0, KIND_ROLE, f"header:{key}")
            flags = Qt.ItemFlag.ItemIsEnabled
            if key == "projects":
                flags |= Qt.ItemFlag.ItemIsDropEnabled
            header.setFlags(flags)
            header.setExpanded(True)
            self._headers[key] = header
        self.apply_theme()

    def apply_theme(self) -> None:
        """Repaint icons and muted texts in the colours of the current scheme."""
        colors = theme.current()
        self._icons = {name: icon(name, colors.overdue if name == "overdue" else colors.text)
                       for name in ("inbox", "today", "upcoming", "overdue", "completed", "tag",
                                    "filter")}
        for header in self._headers.values():
            header.setForeground(0, colors.muted)
        for (kind, _ref), item in self._items.items():
            if kind in self._icons:
                item.setIcon(0, self._icons[kind])
            item.setForeground(1, colors.muted)

    def _attach(self, item: QTreeWidgetItem, view: View) -> None:
        item.setData(0, VIEW_ROLE, view)
        item.setData(0, KIND_ROLE, "view")
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(1, theme.current().muted)
        if view.kind in self._icons and view.kind not in ("tag", "filter"):
            item.setIcon(0, self._icons[view.kind])
        self._items[view_key(view)] = item

    def set_data(self, data: SidebarData) -> bool:
        """Show fresh counts; rebuild projects, tags and filters only if they changed
        (keeping the selection and folded projects). True if they changed."""
        self.projects = {p.id: p for p in data.projects}
        self.tags = {t.id: t for t in data.tags}
        for view in BUILT_IN:
            _set_count(self._items[view_key(view)], data.counts.get(view.kind, 0))
        shape = (tuple((p.id, p.name, p.color, p.parent_id) for p in data.projects),
                 tuple((t.id, t.name) for t in data.tags),
                 tuple((f.id, f.name, f.query) for f in data.filters))
        if shape == self._shape:  # the common case after an edit: only counts moved
            for kind, rows in (("project", data.projects), ("tag", data.tags)):
                for row in rows:
                    _set_count(self._items[(kind, row.id)], row.open_tasks)
            return False
        self._shape = shape
        self._rebuild(data)
        return True

    def _rebuild(self, data: SidebarData) -> None:
        self._muting = True
        self.setUpdatesEnabled(False)
        try:
            for key in ("projects", "tags", "filters"):
                header = self._headers[key]
                for child in header.takeChildren():
                    if child is not None:
                        self._forget(child)
            self._add_projects(data.projects)
            for tag in data.tags:
                item = QTreeWidgetItem(self._headers["tags"], [tag.name, _n(tag.open_tasks)])
                item.setIcon(0, self._icons["tag"])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self._attach(item, View("tag", tag.id, f"@{tag.name}"))
            for saved in data.filters:
                item = QTreeWidgetItem(self._headers["filters"], [saved.name, ""])
                item.setIcon(0, self._icons["filter"])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(0, saved.query)
                item.setData(0, Qt.ItemDataRole.UserRole + 3, saved.id)
                self._attach(item, View("filter", saved.query, saved.name))
            for key, header in self._headers.items():
                header.setHidden(key != "projects" and header.childCount() == 0)
            current = self._items.get(self._current)
            if current is not None:
                self.setCurrentItem(current)
        finally:
            self.setUpdatesEnabled(True)
            self._muting = False

    def _add_projects(self, projects: list[ProjectDTO]) -> None:
        by_parent: dict[str | None, list[ProjectDTO]] = {}
        for p in projects:
            parent = p.parent_id if p.parent_id in self.projects else None
            by_parent.setdefault(parent, []).append(p)
        stack: list[tuple[QTreeWidgetItem, str | None]] = [(self._headers["projects"], None)]
        while stack:
            parent_item, parent_id = stack.pop()
            for p in by_parent.get(parent_id, []):
                item = QTreeWidgetItem(parent_item, [p.name, _n(p.open_tasks)])
                item.setIcon(0, theme.dot_icon(QColor(p.color)))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)
                self._attach(item, View("project", p.id, p.name))
                if p.id in by_parent:
                    stack.append((item, p.id))
        for pid in self.projects:
            found = self._items.get(("project", pid))
            if found is not None and found.childCount():
                found.setExpanded(pid not in self._collapsed)

    def _forget(self, item: QTreeWidgetItem) -> None:
        view = item.data(0, VIEW_ROLE)
        if isinstance(view, View):
            self._items.pop(view_key(view), None)
        for i in range(item.childCount()):
            child = item.child(i)
            if child is not None:
                self._forget(child)

    # -- selection -------------------------------------------------------------------------
    def select_view(self, view: View) -> None:
        """Highlight the item of view (if it has one) without emitting view_selected."""
        self._current = view_key(view)
        item = self._items.get(self._current)
        self._muting = True
        try:
            if item is not None:
                self.setCurrentItem(item)
            else:
                self.clearSelection()
        finally:
            self._muting = False

    def view_item(self, view: View) -> QTreeWidgetItem | None:
        return self._items.get(view_key(view))

    def on_current_item_changed(self, current: QTreeWidgetItem | None,
                                _previous: QTreeWidgetItem | None) -> None:
        if self._muting or current is None:
            return
        view = current.data(0, VIEW_ROLE)
        if isinstance(view, View):
            self._current = view_key(view)
            self.view_selected.emit(view)

    def on_item_collapsed(self, item: QTreeWidgetItem) -> None:
        view = item.data(0, VIEW_ROLE)
        if isinstance(view, View) and view.kind == "project" and view.ref:
            self._collapsed.add(view.ref)

    def on_item_expanded(self, item: QTreeWidgetItem) -> None:
        view = item.data(0, VIEW_ROLE)
        if isinstance(view, View) and view.ref:
            self._collapsed.discard(view.ref)

    # -- context menu ----------------------------------------------------------------------
    def on_context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        menu = self.context_menu(item)
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(pos))

    def context_menu(self, item: QTreeWidgetItem) -> QMenu | None:
        view = item.data(0, VIEW_ROLE)
        kind = item.data(0, KIND_ROLE)
        menu = QMenu(self)
        if kind == "header:projects":
            menu.addAction("New project…", lambda: self.new_project_requested.emit(None))
        elif isinstance(view, View) and view.kind == "project" and view.ref:
            pid = view.ref
            menu.addAction("New subproject…", lambda: self.new_project_requested.emit(pid))
            menu.addAction("Rename…", lambda: self.rename_project_requested.emit(pid))
            menu.addAction("Colour…", lambda: self.color_project_requested.emit(pid))
            menu.addSeparator()
            menu.addAction("Delete project…", lambda: self.delete_project_requested.emit(pid))
        elif isinstance(view, View) and view.kind == "filter":
            fid = str(item.data(0, Qt.ItemDataRole.UserRole + 3))
            menu.addAction("Delete filter", lambda: self.delete_filter_requested.emit(fid))
        else:
            return None
        return menu

    # -- drag and drop of projects ---------------------------------------------------------
    def _dragged_project(self) -> str | None:
        item = self.currentItem()
        view = item.data(0, VIEW_ROLE) if item is not None else None
        return view.ref if isinstance(view, View) and view.kind == "project" else None

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        target = self.itemAt(event.position().toPoint())
        if self._dragged_project() is None or not self._is_project_area(target):
            event.ignore()

    def _is_project_area(self, item: QTreeWidgetItem | None) -> bool:
        if item is None:
            return False
        view = item.data(0, VIEW_ROLE)
        return item is self._headers["projects"] or (
            isinstance(view, View) and view.kind == "project")

    def dropEvent(self, event: QDropEvent) -> None:
        project_id = self._dragged_project()
        target = self.itemAt(event.position().toPoint())
        position = self.dropIndicatorPosition()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()  # we never let Qt move items: the store moves, then we rebuild
        if project_id is not None and target is not None:
            self.drop_project(project_id, target, position)

    def drop_project(self, project_id: str, target: QTreeWidgetItem,
                     position: QAbstractItemView.DropIndicatorPosition) -> bool:
        """Work out (parent, after, before) for a project dropped at target; emit the request."""
        pos = QAbstractItemView.DropIndicatorPosition
        if target is self._headers["projects"]:
            parent_item, row = target, target.childCount()
        else:
            view = target.data(0, VIEW_ROLE)
            if not isinstance(view, View) or view.kind != "project" or view.ref == project_id:
                return False
            if position == pos.OnItem:
                parent_item, row = target, target.childCount()
            else:
                parent_item = target.parent() or self._headers["projects"]
                row = parent_item.indexOfChild(target) + (1 if position == pos.BelowItem else 0)
        children = (parent_item.child(i) for i in range(parent_item.childCount()))
        siblings = [self._project_of(c) for c in children if c is not None]
        left = [s for s in siblings[:row] if s != project_id]
        right = [s for s in siblings[row:] if s != project_id]
        parent_id = self._project_of(parent_item)
        self.project_move_requested.emit(project_id, parent_id, left[-1] if left else None,
                                         right[0] if right else None)
        return True

    @staticmethod
    def _project_of(item: QTreeWidgetItem | None) -> str | None:
        if item is None:
            return None
        view = item.data(0, VIEW_ROLE)
        return view.ref if isinstance(view, View) and view.kind == "project" else None


def _n(count: int) -> str:
    """Counts fit the narrow column: 987, 9,876, 15.7k, 123k."""
    if count >= 100_000:
        return f"{count // 1000}k"
    if count >= 10_000:
        return f"{count / 1000:.1f}k"
    return f"{count:,}" if count else ""


def _set_count(item: QTreeWidgetItem, count: int) -> None:
    text = _n(count)
    if item.text(1) != text:
        item.setText(1, text)
