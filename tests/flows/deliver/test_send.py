"""Sending over SMTP: login from settings, STARTTLS and implicit TLS with the server verified."""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from flows.deliver.sink import free_port
from flows.deliver.week import deliver_week
from flows.stores.s3 import S3Store
from tests.flows.deliver.fixtures import PREFIX, publish_week, settings
from tests.support.smtp import Inbox


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_with_credentials_from_settings(s3_store: S3Store) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: object, session: object, envelope: object, mechanism: str,
                      data: object) -> AuthResult:  # fmt: skip
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")

    inbox = Inbox(free_port())
    controller = Controller(
        inbox, hostname="127.0.0.1", port=inbox.port, authenticator=authenticator,
        auth_require_tls=False, auth_required=True,
    )  # fmt: skip
    controller.start()
    try:
        digest = publish_week(s3_store)
        good = settings(inbox.port, smtp_user="rapport", smtp_password="s3cret", agent_emails={})
        assert len(deliver_week(good, digest, s3_store, PREFIX, backoff=0)["sent"]) == 2
    finally:
        controller.stop()
    assert logins[0] == (b"rapport", b"s3cret")
    assert len(inbox.received) == 2


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the certificate is its own CA)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_starttls_then_login_and_the_server_certificate_is_verified(
    s3_store: S3Store, tmp_path: Path
) -> None:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins: list[bytes] = []

    def authenticator(server: object, session: object, envelope: object, mechanism: str,
                      data: object) -> AuthResult:  # fmt: skip
        assert isinstance(data, LoginPassword)
        logins.append(data.login)
        return AuthResult(success=data.password == b"s3cret")

    inbox = Inbox(free_port())
    controller = Controller(
        inbox, hostname="127.0.0.1", port=inbox.port, authenticator=authenticator,
        tls_context=server_tls, require_starttls=True, auth_required=True,
    )  # fmt: skip
    controller.start()
    try:
        digest = publish_week(s3_store)
        conf = settings(
            inbox.port, smtp_security="starttls", smtp_ca_file=cert, smtp_user="rapport",
            smtp_password="s3cret", agent_emails={}, send_attempts=1,
        )  # fmt: skip
        assert len(deliver_week(conf, digest, s3_store, PREFIX, backoff=0)["sent"]) == 2
        # Without the CA the server is not trusted: nothing is sent, the reason is reported.
        untrusted = conf.model_copy(update={"smtp_ca_file": None, "resend": True})
        failed = deliver_week(untrusted, digest, s3_store, PREFIX, backoff=0)["failed"]
    finally:
        controller.stop()
    assert logins == [b"rapport", b"rapport"]
    assert len(inbox.received) == 2
    assert len(failed) == 2
    assert all("SSLCertVerificationError" in f["error"] for f in failed)


PASSWORD = "correct-horse-s3cret"


class TlsInbox(Inbox):
    """An inbox that also notes whether each message came over TLS, and the logins tried."""

    tls: list[bool]
    logins: list[bytes]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def implicit_tls_server(cert: Path, key: Path) -> Iterator[TlsInbox]:
    """aiosmtpd speaking TLS from the first byte (port 465 style), login required."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from flows.deliver.sink import free_port

    inbox = TlsInbox(free_port())
    inbox.tls, inbox.logins = [], []

    def authenticator(server: object, session: object, envelope: object, mechanism: str,
                      data: object) -> AuthResult:  # fmt: skip
        assert isinstance(data, LoginPassword)
        inbox.logins.append(data.login)
        # handled=False: aiosmtpd answers a refusal itself (535) instead of leaving it to us
        return AuthResult(success=data.password == PASSWORD.encode(), handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    # aiosmtpd counts only STARTTLS as TLS for AUTH; here the whole connection is TLS.
    controller = Controller(
        inbox, hostname="127.0.0.1", port=inbox.port, ssl_context=context,
        authenticator=authenticator, auth_required=True, auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def client_lines(caplog: pytest.LogCaptureFixture) -> str:
    """Every log line of the sending side (the test server's own log left out)."""
    return "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith("mail.")
    )


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_with_a_ca_file_logs_in_and_never_logs_the_password(
    s3_store: S3Store,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    cert, key = self_signed(tmp_path)
    digest = publish_week(s3_store)
    with implicit_tls_server(cert, key) as inbox:
        conf = settings(
            inbox.port, smtp_security="ssl", smtp_ca_file=cert, smtp_user="rapport",
            smtp_password=PASSWORD, agent_emails={}, send_attempts=1,
        )  # fmt: skip
        sent = deliver_week(conf, digest, s3_store, PREFIX, backoff=0)
        assert sorted(sent["sent"]) == ["lead.billing@acme.test", "lead.travel@acme.test"]
        assert inbox.tls == [True, True]
        assert inbox.logins == [b"rapport", b"rapport"]

        # Not trusted without the CA file (the system's CAs do not know it): reported, unsent.
        untrusted = conf.model_copy(update={"smtp_ca_file": None, "resend": True})
        failed = deliver_week(untrusted, digest, s3_store, PREFIX, backoff=0)["failed"]
        assert len(failed) == 2
        assert all("SSLCertVerificationError" in f["error"] for f in failed)

        # A wrong password: refused once, reported without either password.
        wrong = conf.model_copy(
            update={"smtp_password": SecretStr("wrong-" + PASSWORD), "resend": True}
        )
        refused = deliver_week(wrong, digest, s3_store, PREFIX, backoff=0)["failed"]
        assert len(refused) == 2
        assert all("authentication failed" in f["error"] for f in refused)

        # A client that does not speak TLS first gets nowhere.
        with pytest.raises((smtplib.SMTPServerDisconnected, OSError)):
            smtplib.SMTP("127.0.0.1", inbox.port, timeout=2).ehlo()
    assert len(inbox.received) == 2
    logged = client_lines(caplog) + "\n".join(capfd.readouterr())
    assert "SSLCertVerificationError" in logged
    assert "authentication failed" in logged
    for secret in (PASSWORD, base64.b64encode(PASSWORD.encode()).decode()):
        assert secret not in logged
        assert secret not in str(refused) + str(failed)
