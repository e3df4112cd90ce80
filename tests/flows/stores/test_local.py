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
