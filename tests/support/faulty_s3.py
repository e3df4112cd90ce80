"""An HTTP proxy in front of a real S3 endpoint that injects transient faults on a schedule."""

from __future__ import annotations

import http.client
import itertools
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Final
from urllib.parse import SplitResult, urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
FAULTS = ("slowdown", "internal", "drop_before", "drop_after", "bad_gateway")
# Not in the cycle: a plan returns it to answer a DeleteObjects batch with a per-key error for
# every key (a 200, as S3 does), deleting nothing; other requests pass through.
REFUSE_DELETE = "refuse_delete"
SLOWDOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)
INTERNAL = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
    b"<Message>We encountered an internal error. Please try again.</Message></Error>"
)


class FaultPlan:
    """Every `every`-th request gets the next fault kind in turn; the rest pass through."""

    def __init__(self, every: int = 7) -> None:
        self.every = every
        self._count = itertools.count(1)
        self._kinds = itertools.cycle(FAULTS)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.forwarded = 0

    def next_fault(self) -> str | None:
        """The fault for the next request, or None."""
        with self._lock:
            n = next(self._count)
            if n % self.every:
                return None
            kind = next(self._kinds)
            self.injected[kind] += 1
            return kind


def _delete_errors(request: bytes) -> bytes:
    """A DeleteObjects answer refusing every key of the request."""
    errors = b"".join(
        b"<Error><Key>" + key + b"</Key><Code>AccessDenied</Code>"
        b"<Message>Access Denied</Message></Error>"
        for key in re.findall(rb"<Key>(.*?)</Key>", request)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        + errors
        + b"</DeleteResult>"
    )


# Faults answered here without reaching S3: status, body, content type.
CANNED: Final = {
    "slowdown": (503, SLOWDOWN, "application/xml"),
    "internal": (500, INTERNAL, "application/xml"),
    "bad_gateway": (502, b"bad gateway", "text/plain"),
}


class _FaultyProxy(BaseHTTPRequestHandler):
    """Forwards each request to S3 unless the plan says to fail it (see _handler)."""

    target: SplitResult
    plan: FaultPlan
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _reply(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _proxy(self) -> None:
        body = self._body()
        fault = self.plan.next_fault()
        if fault == REFUSE_DELETE:
            if self.command == "POST" and "delete" in urlsplit(self.path).query:
                self._reply(200, _delete_errors(body), [("Content-Type", "application/xml")])
                return
            fault = None
        if fault == "drop_before":
            self.close_connection = True
            return
        if fault in CANNED:
            status, answer, kind = CANNED[fault]
            self._reply(status, answer, [("Content-Type", kind)])
            return
        status, data, headers = self._forward(body)
        if fault == "drop_after":
            # The request reached S3 but the answer is lost: the retry must be harmless.
            self.close_connection = True
            return
        self._reply(status, data, headers)

    def _forward(self, body: bytes) -> tuple[int, bytes, list[tuple[str, str]]]:
        conn = http.client.HTTPConnection(
            self.target.hostname or "127.0.0.1", self.target.port, timeout=30
        )
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        self.plan.forwarded += 1
        return resp.status, data, resp.getheaders()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _proxy


def _handler(upstream: str, plan: FaultPlan) -> type[BaseHTTPRequestHandler]:
    """A proxy handler class bound to one upstream endpoint and one fault plan."""
    return type("Handler", (_FaultyProxy,), {"target": urlsplit(upstream), "plan": plan})


@contextmanager
def serve_on_loopback(
    handler: type[BaseHTTPRequestHandler], before_shutdown: threading.Event | None = None
) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (a free port) in a thread; yield its URL. On exit set
    ``before_shutdown`` (so handlers blocked on it return) and stop the server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        if before_shutdown is not None:
            before_shutdown.set()
        server.shutdown()
        server.server_close()


@contextmanager
def faulty_s3(upstream: str, plan: FaultPlan) -> Iterator[str]:
    """Serve the proxy on 127.0.0.1 (a free port); yield its endpoint URL."""
    with serve_on_loopback(_handler(upstream, plan)) as url:
        yield url
