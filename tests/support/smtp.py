"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, and a webhook
receiver (http.server), for delivery tests."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from flows.deliver.sink import free_port


@dataclass
class Received:
    """One message as the server got it: envelope recipients and the parsed message."""

    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """What a test SMTP server received."""

    port: int
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), msg))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    """aiosmtpd on a free port of 127.0.0.1 (no TLS, no login)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@dataclass
class Hook:
    """What a test webhook received (JSON bodies), and its URL."""

    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    fail_first: int = 0


@contextmanager
def webhook_server(fail_first: int = 0) -> Iterator[Hook]:
    """http.server on a free port of 127.0.0.1 taking JSON POSTs (the first `fail_first`
    answered 503)."""
    hook = Hook("", fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if hook.fail_first > 0:
                hook.fail_first -= 1
                self.send_response(503)
                self.end_headers()
                return
            hook.posts.append(json.loads(body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/B000/secret"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
