"""A broken S3 endpoint: it accepts connections and never answers (every request, or object
reads only, listings and writes passing through to a real endpoint), or it denies reads."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.support.faulty_s3 import serve_on_loopback

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
    b"<Message>Access Denied</Message></Error>"
)


def _handler(
    upstream: str | None, reads: str, release: threading.Event
) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream) if upstream else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _silent(self) -> bool:
            if target is None:
                return True
            path, _, query = self.path.partition("?")
            is_object = len([p for p in path.split("/") if p]) >= 2
            return self.command == "GET" and is_object and "list-type" not in query

        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            if self._silent() and reads == "denied":
                self.send_response(403)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(ACCESS_DENIED)))
                self.end_headers()
                self.wfile.write(ACCESS_DENIED)
                return
            if self._silent():
                release.wait()  # hold the connection open, say nothing
                self.close_connection = True
                return
            assert target is not None
            assert target.hostname is not None
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            self.send_response(resp.status)
            for name, value in resp.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

    return Handler


@contextmanager
def broken_s3(upstream: str | None = None, reads: str = "silent") -> Iterator[str]:
    """Serve on 127.0.0.1 (a free port) and yield the endpoint URL. With no upstream nothing
    is ever answered; with one, object reads go unanswered (reads="silent") or are refused with
    AccessDenied (reads="denied")."""
    release = threading.Event()
    with serve_on_loopback(_handler(upstream, reads, release), before_shutdown=release) as url:
        yield url
