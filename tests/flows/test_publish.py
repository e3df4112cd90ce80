from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flows.publish import content_type, publish, week_prefix
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
