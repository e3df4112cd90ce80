"""The demo's SMTP sink: one .eml per recipient."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

from flows.deliver.sink import smtp_outbox
from tests.flows.deliver.fixtures import WEEK


def test_demo_sink_writes_one_eml_per_recipient(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "r@x", "lead@x", "s"
    msg["X-Rapport-Week"] = WEEK
    msg.set_content("hello")
    with smtp_outbox(tmp_path) as (port, handler), smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(msg)
    (path,) = handler.written
    assert path == tmp_path / WEEK / "outbox" / "lead@x.eml"
    assert b"hello" in path.read_bytes()
