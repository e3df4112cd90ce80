"""Publishing a week: files first, the manifest last, under a lock; a failed upload resumes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pytest

from flows.publish.publish import WeekPublisher, content_type, publish, week_prefix
from flows.stores.base import StoredObject
from flows.stores.local import LocalStore
from tests.support.manifests import bare_manifest


class RecordingStore(LocalStore):
    """A local store that remembers the order of writes and deletes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.events: list[tuple[str, str]] = []

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.events.append(("put", key))
        super().put(key, data, content_type)

    def delete(self, keys: Sequence[str]) -> None:
        self.events.extend(("delete", k) for k in keys)
        super().delete(keys)


def test_publish_replaces_the_week_and_writes_the_manifest_last(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path)
    prefix = week_prefix("scorecards", "2026-W47")
    publish(store, prefix, {"a-1.pdf": b"%PDF old", "a-2.pdf": b"%PDF gone"}, bare_manifest())
    store.events.clear()

    full = publish(store, prefix, {"a-1.pdf": b"%PDF new", "scores.csv": b"x"}, bare_manifest())

    keys = [o.key for o in store.list(prefix)]
    assert keys == [prefix + n for n in ("a-1.pdf", "manifest.json", "scores.csv")]
    assert store.events[0] == ("delete", prefix + "manifest.json")
    assert store.events[-1] == ("put", prefix + "manifest.json")
    assert ("delete", prefix + "a-2.pdf") in store.events
    manifest = json.loads(store.get(prefix + "manifest.json"))
    assert manifest == json.loads(full.to_json())
    for name, meta in manifest["files"].items():
        data = store.get(prefix + name)
        assert meta == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def test_other_weeks_are_untouched(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    publish(store, week_prefix("out", "2026-W46"), {"x.pdf": b"1"}, bare_manifest())
    publish(store, week_prefix("out", "2026-W47"), {"y.pdf": b"2"}, bare_manifest())
    assert StoredObject("out/2026-W46/x.pdf", 1) in list(store.list("out/"))


def test_content_types() -> None:
    assert content_type("a.pdf") == "application/pdf"
    assert content_type("m.json") == "application/json"
    assert content_type("z.bin") == "application/octet-stream"


class FailingStore(RecordingStore):
    """Refuses to write `broken.pdf` until told to accept it."""

    accept = False

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        if key.endswith("broken.pdf") and not self.accept:
            raise OSError("upload refused")
        super().put(key, data, content_type)


def test_files_streamed_one_by_one_publish_like_a_batch(tmp_path: Path) -> None:
    batch, streamed = LocalStore(tmp_path / "batch"), RecordingStore(tmp_path / "stream")
    prefix = week_prefix("scorecards", "2026-W47")
    # more files than the publisher keeps in flight, so finished uploads get pruned
    files = {f"a-{i}.pdf": f"%PDF {i}".encode() for i in range(80)} | {"scores.csv": b"x"}
    expected = publish(batch, prefix, files, bare_manifest())

    publisher = WeekPublisher(streamed, prefix)
    for name in reversed(list(files)):
        publisher.put(name, files[name])
    full = publisher.finish(bare_manifest())
    publisher.close()

    assert full == expected
    assert streamed.events[-1] == ("put", prefix + "manifest.json")
    assert {o.key for o in streamed.list(prefix)} == {o.key for o in batch.list(prefix)}


def test_a_failed_upload_stops_the_week_before_its_manifest_and_a_retry_finishes_it(
    tmp_path: Path,
) -> None:
    store = FailingStore(tmp_path)
    prefix = week_prefix("scorecards", "2026-W47")
    publish(store, prefix, {"a-1.pdf": b"%PDF old"}, bare_manifest())

    publisher = WeekPublisher(store, prefix)
    publisher.put("a-1.pdf", b"%PDF new")
    publisher.put("broken.pdf", b"%PDF")
    with pytest.raises(OSError, match="upload refused"):
        publisher.finish(bare_manifest())
    assert all(not o.key.endswith("manifest.json") for o in store.list(prefix))

    store.accept = True
    full = publisher.finish(bare_manifest())
    publisher.close()
    assert set(full.files) == {"a-1.pdf", "broken.pdf"}
    assert store.get(prefix + "broken.pdf") == b"%PDF"
    assert store.events[-1] == ("put", prefix + "manifest.json")


def test_the_local_week_lock_is_exclusive_expires_and_is_released(tmp_path: Path) -> None:
    from flows.publish.publish import WeekLock, WeekLocked, week_lock_key

    store = LocalStore(tmp_path)
    first = WeekLock(store, "scorecards", "2026-W47")
    first.acquire()
    lock_file = tmp_path / week_lock_key("scorecards", "2026-W47")
    assert json.loads(lock_file.read_text())["token"] == first.token
    with pytest.raises(WeekLocked, match=r"2026-W47 is being published by another run: lock "):
        WeekLock(store, "scorecards", "2026-W47").acquire()
    first.release()
    assert not lock_file.exists()
    assert not list(lock_file.parent.glob("*.new"))  # no temp files left behind

    WeekLock(store, "scorecards", "2026-W47", ttl_seconds=0).acquire()  # dies holding it
    with WeekLock(store, "scorecards", "2026-W47") as taker:  # expired: taken over
        assert taker.held
    assert not lock_file.exists()


class ChangingStore(LocalStore):
    """A store where another writer replaces a file after our upload."""

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        super().put(key, b"%PDF from another run" if key.endswith("a-2.pdf") else data)


def test_no_manifest_vouches_for_a_file_whose_bytes_differ(tmp_path: Path) -> None:
    from flows.publish.publish import ManifestMismatch

    store = ChangingStore(tmp_path)
    prefix = week_prefix("scorecards", "2026-W47")
    with pytest.raises(ManifestMismatch, match=r"1 of 2 files .* \(a-2\.pdf\)"):
        publish(store, prefix, {"a-1.pdf": b"%PDF 1", "a-2.pdf": b"%PDF 2"}, bare_manifest())
    assert not (tmp_path / prefix / "manifest.json").exists()


def test_releasing_the_lock_never_raises_and_never_reads_before_expiry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from flows.publish.publish import WeekLock

    class NoReads(LocalStore):
        """Reads hang on a stuck endpoint; here they fail loudly, and deletes fail too."""

        def get(self, key: str) -> bytes:
            raise AssertionError("release read the lock")

        def delete(self, keys: Sequence[str]) -> None:
            raise OSError("endpoint gone")

    lock = WeekLock(NoReads(tmp_path), "scorecards", "2026-W47")
    lock.acquire()
    with caplog.at_level("WARNING", logger="flows.publish.publish"):
        lock.release()
    assert "Could not remove the lock" in caplog.text
    assert "endpoint gone" in caplog.text


def test_local_takeover_of_a_stale_lock_by_many_at_once_leaves_one_holder(tmp_path: Path) -> None:
    import threading

    from flows.publish.publish import WeekLock, WeekLocked

    store = LocalStore(tmp_path)
    WeekLock(store, "scorecards", "2026-W47", ttl_seconds=0).acquire()  # killed while holding
    locks = [WeekLock(store, "scorecards", "2026-W47") for _ in range(8)]
    barrier = threading.Barrier(len(locks))
    refused: list[str] = []

    def take(lock: WeekLock) -> None:
        barrier.wait()
        try:
            lock.acquire()
        except WeekLocked as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=take, args=(lock,)) for lock in locks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [lock.held for lock in locks].count(True) == 1
    assert len(refused) == len(locks) - 1
    (holder,) = [lock for lock in locks if lock.held]
    assert json.loads(store.get(holder.key))["token"] == holder.token


def test_files_a_worker_wrote_count_in_the_manifest_and_are_checked(tmp_path: Path) -> None:
    from flows.publish.publish import ManifestMismatch

    store = LocalStore(tmp_path)
    prefix = week_prefix("scorecards", "2026-W47")
    store.put(prefix + "old.pdf", b"%PDF old")  # last run's: stale unless written again
    publisher = WeekPublisher(store, prefix)
    card = b"%PDF card"
    store.put(prefix + "a-1.pdf", card)  # as a chunk's worker uploads it
    publisher.record({"a-1.pdf": {"sha256": hashlib.sha256(card).hexdigest(), "bytes": len(card)}})
    publisher.put("scores.csv", b"x")
    full = publisher.finish(bare_manifest())
    publisher.close()
    assert full.files["a-1.pdf"].sha256 == hashlib.sha256(card).hexdigest()
    assert {o.key for o in store.list(prefix)} == {
        prefix + n for n in ("a-1.pdf", "scores.csv", "manifest.json")
    }

    again = WeekPublisher(store, prefix)
    again.record({"a-1.pdf": {"sha256": hashlib.sha256(b"other").hexdigest(), "bytes": 5}})
    with pytest.raises(ManifestMismatch, match=r"a-1\.pdf"):
        again.finish(bare_manifest())
    again.close()
    assert not (tmp_path / prefix / "manifest.json").exists()


class FailingFileStore(LocalStore):
    """Refuses every upload from a file until told to accept them."""

    accept = False

    def put_file(
        self, key: str, path: Path, content_type: str = "application/octet-stream"
    ) -> None:
        if not self.accept:
            raise OSError("upload refused")
        super().put_file(key, path, content_type)


def _big_table(out: BinaryIO) -> None:
    for i in range(32):  # 32 MiB, written a MiB at a time
        out.write(bytes([i]) * 2**20)


def test_a_large_table_goes_through_a_file_not_the_flows_memory(tmp_path: Path) -> None:
    import tracemalloc

    from flows.pipeline.tasks import publish_outputs

    prefix = week_prefix("scorecards", "2026-W47")
    stores = [LocalStore(tmp_path / "s3"), LocalStore(tmp_path / "out")]
    sinks = [WeekPublisher(store, prefix) for store in stores]
    tracemalloc.start()
    try:
        full = publish_outputs.fn(
            sinks, {"scores.csv": _big_table, "agents.csv": b"a,b\n"}, bare_manifest()
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        for sink in sinks:
            sink.close()
    expected = b"".join(bytes([i]) * 2**20 for i in range(32))
    digest = full.files["scores.csv"]
    assert (digest.sha256, digest.bytes) == (hashlib.sha256(expected).hexdigest(), len(expected))
    for store in stores:
        assert store.get(prefix + "scores.csv") == expected
        assert store.get(prefix + "agents.csv") == b"a,b\n"
    assert peak < 8 * 2**20  # written, hashed, copied and checked without holding its 32 MiB


def test_a_table_whose_upload_failed_is_written_again_by_the_retried_publish(
    tmp_path: Path,
) -> None:
    from flows.pipeline.tasks import publish_outputs

    store = FailingFileStore(tmp_path)
    prefix = week_prefix("scorecards", "2026-W47")
    publisher = WeekPublisher(store, prefix)
    tables = {"scores.csv": lambda out: out.write(b"id,score\nc-1,80\n")}
    with pytest.raises(OSError, match="upload refused"):
        publish_outputs.fn([publisher], tables, bare_manifest())  # its file is gone after
    assert not list(store.list(prefix))

    store.accept = True  # Prefect retries the task: the table is written anew
    full = publish_outputs.fn([publisher], tables, bare_manifest())
    publisher.close()
    assert store.get(prefix + "scores.csv") == b"id,score\nc-1,80\n"
    assert set(full.files) == {"scores.csv"}
