from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from flows.publish import WeekPublisher, content_type, publish, week_prefix
from flows.store import LocalStore, StoredObject


class RecordingStore(LocalStore):
    """A local store that remembers the order of writes and deletes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.events: list[tuple[str, str]] = []

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.events.append(("put", key))
        super().put(key, data, content_type)

    def delete(self, keys: list[str]) -> None:  # type: ignore[override]
        self.events.extend(("delete", k) for k in keys)
        super().delete(keys)


def test_publish_replaces_the_week_and_writes_the_manifest_last(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path)
    prefix = week_prefix("scorecards", "2026-W47")
    publish(store, prefix, {"a-1.pdf": b"%PDF old", "a-2.pdf": b"%PDF gone"}, {"week": "2026-W47"})
    store.events.clear()

    full = publish(
        store, prefix, {"a-1.pdf": b"%PDF new", "scores.csv": b"x"}, {"week": "2026-W47"}
    )

    keys = [o.key for o in store.list(prefix)]
    assert keys == [prefix + n for n in ("a-1.pdf", "manifest.json", "scores.csv")]
    assert store.events[0] == ("delete", prefix + "manifest.json")
    assert store.events[-1] == ("put", prefix + "manifest.json")
    assert ("delete", prefix + "a-2.pdf") in store.events
    manifest = json.loads(store.get(prefix + "manifest.json"))
    assert manifest == full
    for name, meta in manifest["files"].items():
        data = store.get(prefix + name)
        assert meta == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def test_other_weeks_are_untouched(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    publish(store, week_prefix("out", "2026-W46"), {"x.pdf": b"1"}, {})
    publish(store, week_prefix("out", "2026-W47"), {"y.pdf": b"2"}, {})
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
    expected = publish(batch, prefix, files, {"week": "2026-W47"})

    publisher = WeekPublisher(streamed, prefix)
    for name in reversed(list(files)):
        publisher.put(name, files[name])
    full = publisher.finish({"week": "2026-W47"})
    publisher.close()

    assert full == expected
    assert streamed.events[-1] == ("put", prefix + "manifest.json")
    assert {o.key for o in streamed.list(prefix)} == {o.key for o in batch.list(prefix)}


def test_a_failed_upload_stops_the_week_before_its_manifest_and_a_retry_finishes_it(
    tmp_path: Path,
) -> None:
    store = FailingStore(tmp_path)
    prefix = week_prefix("scorecards", "2026-W47")
    publish(store, prefix, {"a-1.pdf": b"%PDF old"}, {"week": "2026-W47"})

    publisher = WeekPublisher(store, prefix)
    publisher.put("a-1.pdf", b"%PDF new")
    publisher.put("broken.pdf", b"%PDF")
    with pytest.raises(OSError, match="upload refused"):
        publisher.finish({"week": "2026-W47"})
    assert all(not o.key.endswith("manifest.json") for o in store.list(prefix))

    store.accept = True
    full = publisher.finish({"week": "2026-W47"})
    publisher.close()
    assert set(full["files"]) == {"a-1.pdf", "broken.pdf"}
    assert store.get(prefix + "broken.pdf") == b"%PDF"
    assert store.events[-1] == ("put", prefix + "manifest.json")
