"""E-mail against a real SMTP server (aiosmtpd on 127.0.0.1, STARTTLS + AUTH) and real
keyrings: gnome-keyring's Secret Service, and keyring's own 'no keyring' backend."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from keyring.backends import fail

from app.services.clock import Clock
from app.services.mailer import (
    AgendaLine,
    Mailer,
    MailError,
    digest_message,
    load_password,
    store_password,
)
from app.services.reminder_dto import ReminderDTO
from app.services.reminder_settings import SmtpSettings
from tests.support.desktop import start_dbus, start_keyring

USER, PASSWORD = "ada@example.org", "correct horse"


class MemoryKeyring:
    """A dict with the keyring backend's two methods (for tests that are not about keyrings)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, user: str, password: str) -> None:
        self.data[(service, user)] = password

    def get_password(self, service: str, user: str) -> str | None:
        return self.data.get((service, user))


@dataclass
class Inbox:
    messages: list[bytes] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any,  # noqa: N802, ARG002
                          envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"),
                x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, ssl.SSLContext]]:
    cert, key = _certificate(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    inbox = Inbox()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
            and auth_data.password.decode() == PASSWORD
        inbox.logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_ctx,
                            require_starttls=True, auth_require_tls=True,
                            authenticator=authenticate)
    controller.start()
    client_ctx = ssl.create_default_context(cafile=str(cert))
    try:
        yield inbox, port, client_ctx
    finally:
        controller.stop()


def settings(port: int, user: str = USER) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, starttls=True, user=user,
                        sender="cadence@example.org", recipient="ada@example.org")


def test_digest_goes_out_over_starttls_with_login(smtp_server: Any) -> None:
    inbox, port, ctx = smtp_server
    smtp = settings(port)
    keys = MemoryKeyring()
    store_password(smtp, PASSWORD, backend=keys)
    msg = digest_message(smtp, date(2026, 11, 28), [AgendaLine("09:00", "Stand-up (Room 3)")],
                         [AgendaLine("overdue", "Tax return"), AgendaLine("14:00", "Call")])
    Mailer(smtp, context=ctx, backend=keys).send(msg)
    assert inbox.logins == [(USER, True)]
    [raw] = inbox.messages
    got = message_from_bytes(raw)
    assert got["Subject"] == "[Cadence] Agenda for Sat 28 Nov"
    text = got.get_payload(decode=True).decode()
    assert "Saturday 28 November 2026" in text
    assert "09:00  Stand-up (Room 3)" in text and "overdue  Tax return" in text


def test_a_refused_login_is_one_clear_message(smtp_server: Any) -> None:
    inbox, port, ctx = smtp_server
    smtp = settings(port)
    keys = MemoryKeyring()
    store_password(smtp, "wrong", backend=keys)
    with pytest.raises(MailError, match=r"refused the login for ada@example.org \(535\)"):
        Mailer(smtp, context=ctx, backend=keys).send(digest_message(smtp, date.today(), [], []))
    # smtplib tries each offered mechanism (PLAIN, LOGIN): all refused, nothing sent
    assert inbox.logins and set(inbox.logins) == {(USER, False)} and inbox.messages == []


def test_missed_reminders_by_mail(smtp_server: Any) -> None:
    inbox, port, ctx = smtp_server
    smtp = settings(port)
    keys = MemoryKeyring()
    store_password(smtp, PASSWORD, backend=keys)
    at = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    missed = [ReminderDTO(1, "task", "t1", "t1", "Call the bank", "Due 14:00", at, "PT0S", at,
                          "fired", None, at, True, False)]
    Mailer(smtp, context=ctx, backend=keys).send_missed(missed, Clock("Europe/Berlin").zone)
    body = message_from_bytes(inbox.messages[0]).get_payload(decode=True).decode()
    assert "Sat 28 Nov 14:00  Call the bank — Due 14:00" in body


def test_no_keyring_stops_with_an_explanation_and_no_plain_file(smtp_server: Any,
                                                                 tmp_path: Path) -> None:
    _inbox, port, ctx = smtp_server
    smtp = settings(port)
    with pytest.raises(MailError, match="No usable system keyring"):
        store_password(smtp, PASSWORD, backend=fail.Keyring())
    with pytest.raises(MailError, match="never stores it in a plain file"):
        Mailer(smtp, context=ctx, backend=fail.Keyring()).send(
            digest_message(smtp, date.today(), [], []))


def test_without_starttls_the_password_is_not_sent(tmp_path: Path) -> None:
    inbox = Inbox()
    port = _free_port()
    plain = Controller(inbox, hostname="127.0.0.1", port=port)  # no TLS offered
    plain.start()
    try:
        smtp = settings(port)
        keys = MemoryKeyring()
        store_password(smtp, PASSWORD, backend=keys)
        with pytest.raises(MailError, match="does not offer STARTTLS"):
            Mailer(smtp, backend=keys).send(digest_message(smtp, date.today(), [], []))
    finally:
        plain.stop()
    closed = settings(_free_port())
    store_password(closed, PASSWORD, backend=keys)
    with pytest.raises(MailError, match="Cannot reach 127.0.0.1"):
        Mailer(closed, backend=keys).send(digest_message(closed, date.today(), [], []))


@pytest.mark.skipif(shutil.which("gnome-keyring-daemon") is None, reason="needs gnome-keyring")
def test_the_password_round_trips_through_gnome_keyring(
    smtp_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backends import SecretService

    inbox, port, ctx = smtp_server
    (tmp_path / "keyring").mkdir()
    # A bus of its own: on the shared test bus another test may already have D-Bus-activated
    # a locked gnome-keyring, which answers every request with "Prompt dismissed".
    bus, address = start_dbus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    daemon = start_keyring(tmp_path / "keyring", dict(os.environ))
    try:
        backend = SecretService.Keyring()
        smtp = settings(port)
        store_password(smtp, PASSWORD, backend=backend)
        assert load_password(smtp, backend=backend) == PASSWORD
        Mailer(smtp, context=ctx, backend=backend).send(
            digest_message(smtp, date.today(), [], []))
        assert inbox.logins == [(USER, True)] and len(inbox.messages) == 1
    finally:
        daemon.stop()
        bus.stop()
