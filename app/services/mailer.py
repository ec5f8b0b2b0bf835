"""E-mail: the daily agenda digest and "reminders you missed", over SMTP with STARTTLS.

The SMTP password lives in the OS keyring (Secret Service, Keychain, Credential Manager).
When no keyring works, sending stops with a message that says so: there is deliberately
no plain-text fallback.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from app import APP_NAME
from app.errors import UserFacingError
from app.services.reminder_dto import ReminderDTO
from app.services.reminder_settings import SmtpSettings

KEYRING_SERVICE = "Cadence SMTP"


class MailError(UserFacingError):
    """The e-mail could not be sent; the message says why and what to do."""


def keyring_account(smtp: SmtpSettings) -> str:
    return f"{smtp.user}@{smtp.host}"


def _backend(backend: Any | None) -> Any:
    if backend is not None:
        return backend
    import keyring

    return keyring.get_keyring()


def _keyring_message(exc: Exception) -> str:
    return ("No usable system keyring for the SMTP password "
            f"({type(exc).__name__}: {exc}). Start or unlock GNOME Keyring, KWallet, the "
            "macOS Keychain or Windows Credential Manager, then enter the password again; "
            "Cadence never stores it in a plain file.")


def store_password(smtp: SmtpSettings, password: str, *, backend: Any | None = None) -> None:
    from keyring.errors import KeyringError

    try:
        _backend(backend).set_password(KEYRING_SERVICE, keyring_account(smtp), password)
    except KeyringError as exc:
        raise MailError(_keyring_message(exc)) from exc


def load_password(smtp: SmtpSettings, *, backend: Any | None = None) -> str | None:
    from keyring.errors import KeyringError

    try:
        found = _backend(backend).get_password(KEYRING_SERVICE, keyring_account(smtp))
    except KeyringError as exc:
        raise MailError(_keyring_message(exc)) from exc
    return None if found is None else str(found)


@dataclass(frozen=True, slots=True)
class AgendaLine:
    when: str  # "09:30", "all day", "overdue since Thu 26 Nov"
    text: str


def digest_message(smtp: SmtpSettings, day: date, events: Sequence[AgendaLine],
                   tasks: Sequence[AgendaLine]) -> EmailMessage:
    lines = [f"Your {APP_NAME} agenda for {day:%A %d %B %Y}".replace(" 0", " "), ""]
    lines.append("Events" if events else "No events today.")
    lines += [f"  {a.when:>9}  {a.text}" for a in events]
    lines.append("")
    lines.append("Tasks" if tasks else "No tasks due.")
    lines += [f"  {a.when:>9}  {a.text}" for a in tasks]
    return _message(smtp, f"Agenda for {day:%a %d %b}".replace(" 0", " "), "\n".join(lines))


def missed_message(smtp: SmtpSettings, missed: Sequence[ReminderDTO], zone: Any) -> EmailMessage:
    n = len(missed)
    lines = [f"{APP_NAME} could not show you {n} reminder{'s' * (n != 1)} in time:", ""]
    for r in missed:
        local = r.trigger_at.astimezone(zone)
        lines.append(f"  {local:%a %d %b %H:%M}  {r.title}" + (f" — {r.detail}" if r.detail
                                                               else ""))
    return _message(smtp, f"You missed {n} reminder{'s' * (n != 1)}", "\n".join(lines))


def _message(smtp: SmtpSettings, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"[{APP_NAME}] {subject}"
    msg["From"] = smtp.sender or smtp.user or f"cadence@{socket.gethostname()}"
    msg["To"] = smtp.recipient
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="cadence.local")
    msg.set_content(body + "\n")
    return msg


class Mailer:
    """Sends messages through the configured SMTP server (blocking: call it off the GUI
    thread). ``context`` and ``backend`` are injectable (a test CA, a test keyring)."""

    def __init__(self, smtp: SmtpSettings, *, context: ssl.SSLContext | None = None,
                 backend: Any | None = None, timeout: float = 20.0) -> None:
        self.smtp = smtp
        self.context = context
        self.backend = backend
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        smtp = self.smtp
        if not smtp.configured:
            raise MailError("E-mail is not set up: give an SMTP server and a recipient.")
        password = load_password(smtp, backend=self.backend) if smtp.user else None
        if smtp.user and password is None:
            raise MailError(f"No SMTP password for {keyring_account(smtp)} in the system "
                            "keyring; enter it in the e-mail settings.")
        where = f"{smtp.host}:{smtp.port}"
        try:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=self.timeout) as client:
                client.ehlo()
                if smtp.starttls:
                    if not client.has_extn("starttls"):
                        raise MailError(f"{where} does not offer STARTTLS; not sending the "
                                        "password in clear text.")
                    client.starttls(context=self.context or ssl.create_default_context())
                    client.ehlo()
                if smtp.user:
                    assert password is not None
                    client.login(smtp.user, password)
                client.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(f"{where} refused the login for {smtp.user} ({exc.smtp_code}); "
                            "check the user name and password.") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailError(f"{where} refused the recipient {smtp.recipient}.") from exc
        except smtplib.SMTPException as exc:
            raise MailError(f"{where} failed: {exc}") from exc
        except ssl.SSLError as exc:
            raise MailError(f"TLS with {where} failed: {exc.reason or exc}.") from exc
        except OSError as exc:
            raise MailError(f"Cannot reach {where}: {exc.strerror or exc}.") from exc

    def send_missed(self, missed: Sequence[ReminderDTO], zone: Any) -> None:
        if missed:
            self.send(missed_message(self.smtp, missed, zone))


def agenda(store: Any, clock: Any, day: date) -> tuple[list[AgendaLine], list[AgendaLine]]:
    """Today's events and the open tasks due today or overdue, as lines for the digest."""
    from sqlalchemy import select

    from app.models import Task
    from app.models.calendar import Calendar, Event, Occurrence
    from app.models.entities import OPEN_STATUSES
    from app.services.reminder_time import wall
    from app.services.uow import read

    zone = clock.zone
    start = wall(day, datetime.min.time(), zone)
    end = wall(day + timedelta(days=1), datetime.min.time(), zone)
    epoch = datetime(1970, 1, 1, tzinfo=start.tzinfo)
    naive_lo = int((datetime.combine(day, datetime.min.time(), epoch.tzinfo) - epoch)
                   .total_seconds())
    events: list[AgendaLine] = []
    with read(store) as s:
        occ = s.execute(
            select(Occurrence.start, Occurrence.all_day, Occurrence.floating, Event.summary,
                   Event.location)
            .join(Event, Event.id == Occurrence.event_id)
            .join(Calendar, Calendar.id == Event.calendar_id)
            .where(Event.deleted_at.is_(None), Event.status != "cancelled",
                   Calendar.deleted_at.is_(None), Calendar.visible.is_(True),
                   Occurrence.start.between(naive_lo - 14 * 3600, naive_lo + 38 * 3600))
            .order_by(Occurrence.start)).all()
        for begin, all_day, floating, summary, location in occ:
            instant = epoch + timedelta(seconds=begin)
            if all_day or floating:
                instant = wall(instant.date(), instant.time(), zone)
            if not start <= instant < end:
                continue
            when = "all day" if all_day else f"{instant.astimezone(zone):%H:%M}"
            text = summary + (f" ({location})" if location else "")
            events.append(AgendaLine(when, text))
        rows = s.execute(select(Task.title, Task.due_date, Task.due_at).where(
            Task.deleted_at.is_(None), Task.status.in_(OPEN_STATUSES),
            Task.due_date <= day).order_by(Task.due_date, Task.due_at, Task.priority)).all()
    tasks = []
    for title, due_date, due_at in rows:
        if due_date is not None and due_date < day:
            when = "overdue"
        else:
            when = "today" if due_at is None else f"{due_at.astimezone(zone):%H:%M}"
        tasks.append(AgendaLine(when, title))
    events.sort(key=lambda a: (a.when != "all day", a.when))
    return events, tasks
