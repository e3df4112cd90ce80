"""LocalStore: keys stay inside its root, put_new writes only when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.stores.local import LocalStore


def test_local_store_refuses_keys_outside_its_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        LocalStore(tmp_path / "root").put("../evil", b"x")


def test_put_new_writes_only_when_absent(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    assert store.put_new("a/lock", b"1")
    assert not store.put_new("a/lock", b"2")
    assert store.get("a/lock") == b"1"


def test_a_file_is_hashed_piece_by_piece(tmp_path: Path) -> None:
    import hashlib
    import os
    import tracemalloc

    store = LocalStore(tmp_path)
    data = os.urandom(24 * 2**20)
    store.put("out/scores.csv", data)
    tracemalloc.start()
    try:
        digest = store.sha256("out/scores.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest == hashlib.sha256(data).hexdigest()
    assert peak < 2 * 2**20


def test_a_file_is_copied_in_whole_or_not_at_all(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    source = tmp_path / "scores.csv"
    source.write_bytes(b"id,score\n" * 1000)
    store.put_file("w/scores.csv", source)
    assert store.get("w/scores.csv") == source.read_bytes()
    assert [p.name for p in (tmp_path / "store" / "w").iterdir()] == ["scores.csv"]  # no temp left
    with pytest.raises(FileNotFoundError):
        store.put_file("w/gone.csv", tmp_path / "missing.csv")
    assert not (tmp_path / "store" / "w" / "gone.csv").exists()
