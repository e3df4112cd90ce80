"""Sending: SMTP (STARTTLS/TLS and login from settings) and a chat webhook, with retries."""

from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage

from flows.config.settings import Settings

BACKOFF = 2.0  # seconds before the second attempt, doubled after
TIMEOUT = 30.0


class SendError(Exception):
    """A message that could not be sent after every attempt (no credentials in the text)."""


def retried(what: str, attempts: int, action: Callable[[], None], backoff: float) -> None:
    """Run action up to `attempts` times, waiting backoff, 2*backoff, ... in between."""
    for attempt in range(1, attempts + 1):
        try:
            action()
            return
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"{what}: recipient refused ({_codes(exc.recipients)})") from None
        except smtplib.SMTPAuthenticationError as exc:  # only the configuration can fix it
            raise SendError(f"{what}: {_describe(exc)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            if attempt == attempts:
                raise SendError(f"{what}: {_describe(exc)} after {attempts} attempt(s)") from None
            time.sleep(backoff * 2 ** (attempt - 1))


def _codes(refused: dict[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{code}" for code, _ in refused.values())


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication failed ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server answered {exc.smtp_code}"
    return type(exc).__name__ + (
        f": {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else ""
    )


class Mailer:
    """Sends messages over one SMTP connection per message (the server's login from settings)."""

    def __init__(self, settings: Settings, backoff: float = BACKOFF) -> None:
        if not settings.smtp_host:
            raise ValueError("no smtp_host configured")
        self.settings = settings
        self.backoff = backoff

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        assert s.smtp_host is not None
        context = ssl.create_default_context(cafile=str(s.smtp_ca_file) if s.smtp_ca_file else None)
        smtp: smtplib.SMTP
        if s.smtp_security == "ssl":
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT)
            if s.smtp_security == "starttls":
                smtp.starttls(context=context)
        if s.smtp_user:
            password = s.smtp_password.get_secret_value() if s.smtp_password else ""
            smtp.login(s.smtp_user, password)
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Send one message, retried; raises SendError once every attempt failed."""

        def once() -> None:
            with self._connect() as smtp:
                smtp.send_message(msg)

        retried(f"sending to {msg['To']}", self.settings.send_attempts, once, self.backoff)


def post_webhook(url: str, payload: dict[str, object], attempts: int, backoff: float) -> None:
    """POST the JSON payload (retried); the URL, a secret, never appears in errors."""

    def once() -> None:
        req = urllib.request.Request(
            url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            resp.read()

    retried("posting to the chat webhook", attempts, once, backoff)
