"""Publish one week's outputs: files first, stale files removed, manifest.json last."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any

from flows.io_threads import IOThreads, settle
from flows.store import ObjectStore, StoreError

MANIFEST = "manifest.json"
PUT_THREADS = 16  # uploads wait on the network, like the loader's reads
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
}


def content_type(name: str) -> str:
    """MIME type by file extension."""
    for ext, kind in CONTENT_TYPES.items():
        if name.endswith(ext):
            return kind
    return "application/octet-stream"


def week_prefix(output_prefix: str, week: str) -> str:
    """`<output prefix>/<week>/`."""
    base = output_prefix.strip("/")
    return f"{base}/{week}/" if base else f"{week}/"


class WeekPublisher:
    """Publish a week's files as they are made: the old manifest goes first, stale files and
    the new manifest (with every file's hash) last."""

    def __init__(self, store: ObjectStore, prefix: str) -> None:
        self.store = store
        self.prefix = prefix
        self.manifest_key = prefix + MANIFEST
        self.existing = {obj.key for obj in store.list(prefix)}
        if self.manifest_key in self.existing:
            # A reader must never see a complete-looking week while it is being replaced.
            store.delete([self.manifest_key])
        self.digests: dict[str, dict[str, Any]] = {}
        self._pool = IOThreads(PUT_THREADS, "rapport-upload")
        self._pending: list[tuple[str, bytes, Future[None]]] = []
        self._failed: list[tuple[str, bytes]] = []

    def put(self, name: str, data: bytes) -> None:
        """Start uploading one file (uploads run in threads; errors surface in finish)."""
        self.digests[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        if len(self._pending) >= 2 * PUT_THREADS:
            # let go of the bytes of finished uploads (a week of PDFs is ~100 MB); failed ones
            # stay for wait() to try again
            self._pending = [p for p in self._pending if not p[2].done() or p[2].exception()]
        self._pending.append((name, data, self._pool.submit(self._upload, name, data)))

    def _upload(self, name: str, data: bytes) -> None:
        self.store.put(self.prefix + name, data, content_type(name))

    def put_all(self, files: Mapping[str, bytes]) -> None:
        """Start uploading several files."""
        for name, data in sorted(files.items()):
            self.put(name, data)

    def finish(self, manifest: Mapping[str, Any]) -> dict[str, Any]:
        """Wait for every upload, remove stale files, then write the manifest."""
        self.wait()
        stale = sorted(
            self.existing - {self.prefix + name for name in self.digests} - {self.manifest_key}
        )
        if stale:
            self.store.delete(stale)
        full = {**manifest, "files": dict(sorted(self.digests.items()))}
        self.store.put(
            self.manifest_key,
            json.dumps(full, indent=2, sort_keys=False).encode(),
            "application/json",
        )
        return full

    def wait(self) -> None:
        """Block until the uploads started so far are done; raise if one still fails."""
        pending, self._pending = self._pending, []
        settle([up for _, _, up in pending])
        for _, _, up in pending:
            if isinstance(error := up.exception(), StoreError):
                raise error  # credentials, permissions, a silent endpoint: trying again won't do
        failed = self._failed + [(n, d) for n, d, up in pending if up.exception() is not None]
        self._failed = []
        for i, (name, data) in enumerate(failed):
            try:  # once more, here: the store's own retries were spent in the thread
                self._upload(name, data)
            except Exception:
                self._failed = failed[i:]  # a retried finish tries these again
                raise

    def close(self, wait: bool = True) -> None:
        """Stop the upload threads, after the uploads under way unless wait is False."""
        self._pool.shutdown(wait=wait)


def publish(
    store: ObjectStore, prefix: str, files: Mapping[str, bytes], manifest: Mapping[str, Any]
) -> dict[str, Any]:
    """Replace everything under prefix with files, then write the manifest (with hashes) last."""
    publisher = WeekPublisher(store, prefix)
    try:
        publisher.put_all(files)
        return publisher.finish(manifest)
    finally:
        publisher.close()
