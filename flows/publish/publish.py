"""Publish one week's outputs: files first, stale files removed, manifest.json last."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Mapping
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.publish.manifest import Manifest
from flows.runtime.io_threads import IOThreads, settle
from flows.stores.base import ObjectStore, StoreError

MANIFEST = "manifest.json"
LOCKS_DIR = ".locks"
DEFAULT_LOCK_TTL_SECONDS = 6 * 3600.0
_log = logging.getLogger(__name__)
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


def week_lock_key(output_prefix: str, week: str) -> str:
    """`<output prefix>/.locks/<week>.json`: beside the weeks, never inside one."""
    base = output_prefix.strip("/")
    return f"{base}/{LOCKS_DIR}/{week}.json" if base else f"{LOCKS_DIR}/{week}.json"


class WeekLocked(StoreError):
    """Another run holds the week's lock: this one must not publish (no retry helps)."""


class WeekLock:
    """One run at a time per week in an output store: a lock object created only if absent
    (S3 conditional put, O_EXCL-like link on disk), removed when the run ends; a lock older
    than `ttl_seconds` is taken to be left by a dead run and replaced."""

    def __init__(
        self,
        store: ObjectStore,
        output_prefix: str,
        week: str,
        ttl_seconds: float = DEFAULT_LOCK_TTL_SECONDS,
    ) -> None:
        self.store = store
        self.week = week
        self.key = week_lock_key(output_prefix, week)
        self.ttl = timedelta(seconds=ttl_seconds)
        self.token = uuid.uuid4().hex
        self.held = False
        self.expires = datetime.min.replace(tzinfo=UTC)

    def _body(self, now: datetime) -> bytes:
        return json.dumps(
            {
                "week": self.week,
                "token": self.token,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "started_at": now.isoformat(timespec="seconds"),
                "expires_at": (now + self.ttl).isoformat(),
            },
            indent=2,
        ).encode()

    def _read(self) -> dict[str, Any] | None:
        return self._read_tagged()[0]

    def _read_tagged(self) -> tuple[dict[str, Any] | None, str]:
        """The lock's contents ({} when unreadable, None when absent) and its version tag."""
        try:
            data, tag = self.store.get_tagged(self.key)
        except FileNotFoundError:
            return None, ""
        except StoreError as exc:
            if "(NoSuchKey)" in str(exc):
                return None, ""
            raise
        try:
            held = json.loads(data)
        except ValueError:
            return {}, tag
        return (held if isinstance(held, dict) else {}), tag

    def acquire(self) -> None:
        """Take the lock or raise WeekLocked naming it and its holder."""
        for _ in range(3):
            now = datetime.now(UTC)
            if self.store.put_new(self.key, self._body(now), "application/json"):
                self.held, self.expires = True, now + self.ttl
                return
            held, tag = self._read_tagged()
            if held is None:
                continue  # released between our put and our read: try again
            try:
                expires = datetime.fromisoformat(str(held["expires_at"]))
            except (KeyError, ValueError):
                expires = now  # unreadable: treat as stale rather than block every week
            if held.get("token") == self.token:  # our own put, answered late and retried
                self.held, self.expires = True, expires
                return
            if now >= expires:
                _log.warning(
                    "Replacing a stale lock on %s (%s, expired %s)",
                    self.week,
                    self.store.url(self.key),
                    held.get("expires_at", "unknown"),
                )
                # Only if it is still the stale lock we read: of two runs taking it over at
                # once, one wins and the other sees a live lock.
                if self.store.put_if_match(self.key, self._body(now), tag, "application/json"):
                    self.held, self.expires = True, now + self.ttl
                    return
                continue
            raise WeekLocked(self._message(held))
        raise WeekLocked(self._message(self._read() or {}))

    def _message(self, held: Mapping[str, Any]) -> str:
        return (
            f"{self.week} is being published by another run: lock {self.store.url(self.key)} "
            f"held by {held.get('host', '?')} pid {held.get('pid', '?')} since "
            f"{held.get('started_at', '?')}, expires {held.get('expires_at', '?')}; wait for "
            "that run, or delete the lock if it is known to be dead"
        )

    def release(self) -> None:
        """Remove the lock if it is still ours; a failure is logged, never raised (the lock
        then expires by itself)."""
        if not self.held:
            return
        self.held = False
        try:
            # Before it expires nobody can have replaced it: delete without reading it first
            # (a read could hang on an endpoint that stopped answering reads).
            if datetime.now(UTC) >= self.expires:
                held = self._read()
                if held is None or held.get("token") != self.token:
                    return
            self.store.delete([self.key])
        except Exception as exc:
            _log.warning(
                "Could not remove the lock %s (%s); it expires by itself at %s",
                self.store.url(self.key),
                exc,
                self.expires.isoformat(timespec="seconds"),
            )

    def __enter__(self) -> WeekLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class ManifestMismatch(StoreError):
    """A stored file does not hold the bytes this run wrote: no manifest may vouch for it."""


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
        self._pending: list[tuple[str, bytes | Path, Future[None]]] = []
        self._failed: list[tuple[str, bytes | Path]] = []

    def put(self, name: str, data: bytes) -> None:
        """Start uploading one file (uploads run in threads; errors surface in finish)."""
        self.digests[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        self._start(name, data)

    def put_file(self, name: str, path: Path) -> None:
        """Start uploading one file from a local file, which must stay until wait() returns
        (a million contacts' scores.csv is ~0.3 GB the flow need not hold)."""
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
        self.digests[name] = {"sha256": digest, "bytes": path.stat().st_size}
        self._start(name, path)

    def _start(self, name: str, data: bytes | Path) -> None:
        # a new version of a file supersedes a failed upload of an older one
        self._failed = [(n, d) for n, d in self._failed if n != name]
        if len(self._pending) >= 2 * PUT_THREADS:
            # let go of the bytes of finished uploads (a week of PDFs is ~100 MB); failed ones
            # stay for wait() to try again
            self._pending = [p for p in self._pending if not p[2].done() or p[2].exception()]
        self._pending.append((name, data, self._pool.submit(self._upload, name, data)))

    def record(self, files: Mapping[str, Mapping[str, Any]]) -> None:
        """Count files a worker already wrote under this week's prefix (name -> sha256, bytes)."""
        for name, digest in files.items():
            self.digests[name] = {"sha256": str(digest["sha256"]), "bytes": int(digest["bytes"])}

    def _upload(self, name: str, data: bytes | Path) -> None:
        if isinstance(data, Path):
            self.store.put_file(self.prefix + name, data, content_type(name))
        else:
            self.store.put(self.prefix + name, data, content_type(name))

    def put_all(self, files: Mapping[str, bytes]) -> None:
        """Start uploading several files."""
        for name, data in sorted(files.items()):
            self.put(name, data)

    def finish(self, manifest: Manifest) -> Manifest:
        """Wait for every upload, read each file back to check its hash, remove stale files,
        then write the manifest (vouching for exactly those files)."""
        self.wait()
        self.verify()
        stale = sorted(
            self.existing - {self.prefix + name for name in self.digests} - {self.manifest_key}
        )
        if stale:
            self.store.delete(stale)
        full = manifest.with_files(self.digests)
        self.store.put(self.manifest_key, full.to_json(), "application/json")
        return full

    def verify(self) -> None:
        """Read every file back and compare its sha256 with what was written; raise
        ManifestMismatch naming the files that differ."""
        names = sorted(self.digests)
        # hashed in the threads: only the digests are held, not a week of files at once
        futures = [self._pool.submit(self._stored_sha256, name) for name in names]
        settle(futures)
        wrong = []
        for name, future in zip(names, futures, strict=True):
            # a read that fails fails the publish
            if future.result() != self.digests[name]["sha256"]:
                wrong.append(name)
        if wrong:
            raise ManifestMismatch(
                f"{len(wrong)} of {len(names)} files under {self.store.url(self.prefix)} do not "
                f"hold what this run wrote ({', '.join(wrong[:5])}"
                f"{' …' if len(wrong) > 5 else ''}): another writer? no manifest written"
            )

    def _stored_sha256(self, name: str) -> str:
        return self.store.sha256(self.prefix + name)

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
    store: ObjectStore, prefix: str, files: Mapping[str, bytes], manifest: Manifest
) -> Manifest:
    """Replace everything under prefix with files, then write the manifest (with hashes) last."""
    publisher = WeekPublisher(store, prefix)
    try:
        publisher.put_all(files)
        return publisher.finish(manifest)
    finally:
        publisher.close()
