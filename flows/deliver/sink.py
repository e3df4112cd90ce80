"""An SMTP server on 127.0.0.1 that keeps every message as an .eml file (the demo's outbox)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from flows.deliver.message import WEEK_HEADER

_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]+")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class OutboxHandler:
    """aiosmtpd handler: writes `<root>/<week>/outbox/<recipient>.eml` per recipient."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[Path] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep the message once per envelope recipient."""
        data: bytes = envelope.original_content or envelope.content
        headers = BytesHeaderParser().parsebytes(data)
        week = _UNSAFE.sub("_", headers.get(WEEK_HEADER, "") or "no-week")
        folder = self.root / week / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        for rcpt in envelope.rcpt_tos:
            path = folder / f"{_UNSAFE.sub('_', rcpt)}.eml"
            path.write_bytes(data.replace(b"\r\n", b"\n"))
            self.written.append(path)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_outbox(root: Path) -> Iterator[tuple[int, OutboxHandler]]:
    """Run the sink on 127.0.0.1 (a free port) while the block runs; yields its port."""
    from aiosmtpd.controller import Controller

    handler = OutboxHandler(root)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()
