"""Reminders in the running app: ``install_reminders(window)`` wires everything together.

The scheduler, the desktop notifications, the bell and its centre, the e-mails and the
commands.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow

from app import paths
from app.errors import UserFacingError
from app.services.mailer import Mailer, agenda, digest_message
from app.services.notify import Notifier, default_notifier
from app.services.reminder_dto import Delivery, ReminderDTO
from app.services.reminder_text import DISMISS, DONE, OPEN, TIMER
from app.services.reminders import ReminderService, Wake
from app.ui.notification_center import BellButton, CenterData, NotificationCenter
from app.ui.reminder_delivery import ReminderPresenter
from app.ui.reminder_scheduler import ReminderScheduler

log = logging.getLogger(__name__)

NO_NOTIFY_ENV = "CADENCE_NO_NOTIFICATIONS"  # "1": skip the desktop server (fallback path)


def load_center(service: ReminderService) -> CenterData:
    """Runs on the DB worker."""
    clock = service.clock
    upcoming = service.planned(6) if service.index.planned else service.upcoming(2.0)[:6]
    return CenterData(service.recent(60), upcoming, service.unread_count(), clock.zone,
                      clock.today(), clock.now())


class ReminderController(QObject):
    """Everything reminders do in one window's process (window shown or only the tray).

    Signals:
        center_loaded(): the bell and centre show fresh data (tests wait on it).
        mail_finished(str): an e-mail went out ("") or failed (the message).
    """

    center_loaded = Signal()
    mail_finished = Signal(str)
    _mail_done = Signal(object, str)

    def __init__(self, window: Any, service: ReminderService,
                 notifier: Notifier | None) -> None:
        super().__init__(window)
        self.window = window
        self.service = service
        self.problems: list[str] = []
        self.scheduler = ReminderScheduler(service, window.worker, service.store.path, self)
        self.presenter = ReminderPresenter(window, notifier, self)
        self.bell = BellButton()
        self.bell_action = window.add_toolbar_widget(self.bell)
        self.center = NotificationCenter(window)
        self._mail = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadence-mail")
        self.actions = self._make_actions()
        self._connect()

    def _connect(self) -> None:
        self.scheduler.woke.connect(self.on_scheduler_woke)
        self.scheduler.replanned.connect(self.refresh)
        self.presenter.action_requested.connect(self.act)
        self.presenter.problem.connect(self.on_presenter_problem)
        self.presenter.shown_in_app.connect(self.on_presenter_shown_in_app)
        self.bell.clicked.connect(self.toggle_center)
        self.center.action_requested.connect(lambda rid, key: self.act((rid,), key))
        self.center.mark_all_read_requested.connect(self.mark_all_read)
        self.center.settings_requested.connect(self.open_settings)
        self._mail_done.connect(self._on_mail_done)

    def _make_actions(self) -> dict[str, QAction]:
        made: dict[str, QAction] = {}
        for name, text, keys, slot in (
            ("reminders", "Show reminders", "Ctrl+Shift+R", self.toggle_center),
            ("task_reminders", "Reminders for the selected task…", "Ctrl+Shift+M",
             self.open_task_reminders),
            ("reminder_settings", "Reminder and e-mail settings…", "Ctrl+Alt+R",
             self.open_settings),
        ):
            action = QAction(text, self.window)
            action.setObjectName(f"action_{name}")
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.window.addAction(action)
            made[name] = action
        # The palette lists window.actions_by_name; the View menu makes them discoverable.
        by_name = getattr(self.window, "actions_by_name", None)
        if isinstance(by_name, dict):
            by_name.update(made)
        menu = getattr(self.window, "view_menu", None)
        if menu is not None and hasattr(menu, "addAction"):
            menu.addSeparator()
            for action in made.values():
                menu.addAction(action)
        return made

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        self.presenter.start()
        self.scheduler.start()
        self.refresh()

    def shutdown(self) -> None:
        self.scheduler.stop()
        self.presenter.shutdown()
        self._mail.shutdown(wait=False, cancel_futures=True)

    # -- delivery --------------------------------------------------------------------------
    def on_scheduler_woke(self, wake: Wake) -> None:
        if not wake.delivery.empty:
            self.presenter.present(wake.delivery)
            self._mail_missed(wake.delivery)
            self.refresh()
        if wake.digest_due:
            self._send_digest()

    def on_presenter_problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
        self.window.show_message(message, 15_000)
        self.refresh()

    def on_presenter_shown_in_app(self, notice: Any) -> None:
        self.window.show_message(f"Reminder: {notice.title} — {notice.body}", 30_000)

    # -- actions ---------------------------------------------------------------------------
    def act(self, ids: tuple[int, ...], key: str) -> None:
        """Perform a notification / centre action on reminders (always on the DB worker)."""
        ids = tuple(ids)
        if key != "seen":
            self.presenter.retract(ids)  # acted on in the centre: the bubble goes too
        run = self.window.worker.run
        after = partial(self._after_action, key)
        if key == OPEN:
            if len(ids) == 1:
                run(self._open_one, ids[0], on_done=self._show_item, on_error=self._error)
            else:
                run(self.service.mark_seen, list(ids), on_done=after, on_error=self._error)
                self.open_center()
        elif key.startswith("snooze-"):
            run(self.service.snooze, list(ids), key, on_done=after, on_error=self._error)
        elif key == DONE:
            run(self.service.complete, ids[0], on_done=after, on_error=self._error)
        elif key == TIMER:
            run(self.service.start_timer, ids[0], on_done=after, on_error=self._error)
        elif key == DISMISS:
            run(self.service.dismiss, list(ids), on_done=after, on_error=self._error)
        elif key == "seen":
            run(self.service.mark_seen, list(ids), on_done=after, on_error=self._error)

    def _open_one(self, reminder_id: int) -> tuple[ReminderDTO, object]:
        reminder = self.service.dismiss([reminder_id])[0]
        item: object = None
        if reminder.is_task:
            try:
                item = self.window.services.tasks.get(reminder.ref_id)
            except UserFacingError:
                item = None
        return reminder, item

    def _show_item(self, result: tuple[ReminderDTO, object]) -> None:
        reminder, item = result
        self._after_action(OPEN, None)
        window = self.window
        self._bring_up()
        if item is not None:
            window.editor.set_task(item)
            return
        opener: Callable[[str], None] | None = getattr(window, "open_event", None)
        if not reminder.is_task and opener is not None:
            opener(reminder.ref_id)
        else:
            window.show_message(f"{reminder.title} — {reminder.detail}", 15_000)

    def _after_action(self, key: str, _result: object) -> None:
        self.scheduler.wake_now()  # re-arm: a snooze adds a trigger
        self.refresh()
        if key in (DONE, TIMER) and hasattr(self.window, "refresh"):
            self.window.refresh()

    def _error(self, error: UserFacingError) -> None:
        self.window.show_message(str(error), 10_000)
        self.refresh()

    def mark_all_read(self) -> None:
        self.window.worker.run(self.service.mark_seen, None, on_done=lambda _n: self.refresh(),
                               on_error=self._error)

    # -- the centre ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.window.worker.run(load_center, self.service, write=False, key="reminder-center",
                               on_done=self._on_center_loaded, on_error=self._error)

    def _on_center_loaded(self, data: CenterData) -> None:
        data.problems.extend(self.problems)
        self.bell.set_unread(data.unread)
        self.center.set_data(data)
        self.center_loaded.emit()

    def toggle_center(self) -> None:
        if self.center.isVisible():
            self.center.hide()
        else:
            self.open_center()

    def open_center(self) -> None:
        self._bring_up()
        self.center.open_below(self.bell)
        self.refresh()

    def _bring_up(self) -> None:
        """Show the window (from the tray, minimised, or behind others) and focus it."""
        window = self.window
        if window.isMinimized():
            window.showNormal()
        else:
            window.show()
        window.raise_()
        window.activateWindow()

    # -- dialogs ---------------------------------------------------------------------------
    def open_settings(self) -> None:
        from app.ui.reminder_settings_dialog import ReminderSettingsDialog

        self.center.hide()
        ReminderSettingsDialog(self.window, self.service, self.scheduler).open()

    def open_task_reminders(self) -> None:
        from app.ui.reminder_rules_dialog import TaskRemindersDialog

        ids = self.window.selected_ids() if hasattr(self.window, "selected_ids") else []
        if not ids:
            self.window.show_message("Select a task first, then add reminders to it.")
            return
        TaskRemindersDialog(self.window, self.service, ids[0], self.scheduler).open()

    # -- e-mail ----------------------------------------------------------------------------
    def _mail_missed(self, delivery: Delivery) -> None:
        missed = [*delivery.grouped, *delivery.missed]
        settings = self.service.current_settings
        if missed and settings.email_missed and settings.smtp.configured:
            mailer, zone = Mailer(settings.smtp), self.service.clock.zone
            self._submit_mail(lambda: mailer.send_missed(missed, zone))

    def _send_digest(self) -> None:
        service = self.service
        settings = service._settings
        mailer = Mailer(settings.smtp)

        def job() -> None:
            events, tasks = agenda(service.store, service.clock, service.clock.today())
            mailer.send(digest_message(settings.smtp, service.clock.today(), events, tasks))

        self._submit_mail(job)

    def _submit_mail(self, job: Callable[[], None]) -> None:
        def run() -> None:
            try:
                job()
            except UserFacingError as exc:
                self._mail_done.emit(job, str(exc))
            except Exception as exc:  # noqa: BLE001 - reported, never crashes the app
                log.exception("e-mail job failed")
                self._mail_done.emit(job, f"E-mail failed: {type(exc).__name__}: {exc}")
            else:
                self._mail_done.emit(job, "")

        self._mail.submit(run)

    def _on_mail_done(self, _job: object, error: str) -> None:
        if error:
            self.window.show_message(error, 15_000)
        self.mail_finished.emit(error)


def install_reminders(window: QMainWindow, *, notifier: Notifier | None | str = "default"
                      ) -> None:
    """Give the window reminders. ``notifier``: "default" (the platform's), None (no
    desktop notifications: tray or window only), or a Notifier."""
    if getattr(window, "reminders", None) is not None:
        return
    services = window.services  # type: ignore[attr-defined]
    service: ReminderService = getattr(services, "reminders", None) or \
        ReminderService(services.store, services.clock)
    chosen: Notifier | None
    if notifier == "default":
        icon = paths.resource("icons", "hicolor", "48x48", "apps", "org.cadence.Cadence.png")
        chosen = None if os.environ.get(NO_NOTIFY_ENV) == "1" else \
            default_notifier(icon if icon.exists() else None)
    else:
        chosen = notifier  # type: ignore[assignment]
    controller = ReminderController(window, service, chosen)
    window.reminders = controller  # type: ignore[attr-defined]
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(controller.shutdown)
    controller.start()
