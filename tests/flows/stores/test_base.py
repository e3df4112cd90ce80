"""The ObjectStore protocol, met alike by the local folder and S3."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.stores.base import ObjectStore
from flows.stores.local import LocalStore
from flows.stores.s3 import S3Store


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalStore(tmp_path)
    s3: S3Store = request.getfixturevalue("s3_store")
    return s3


def test_put_get_list_delete_roundtrip(store: ObjectStore) -> None:
    store.put("t/2026/11/16/a.json", b"one")
    store.put("t/2026/11/17/b.json.gz", b"two!")
    store.put("tx/other.json", b"x")
    assert [(o.key, o.size) for o in store.list("t/2026/11/")] == [
        ("t/2026/11/16/a.json", 3),
        ("t/2026/11/17/b.json.gz", 4),
    ]
    assert store.get("t/2026/11/17/b.json.gz") == b"two!"
    store.delete(["t/2026/11/16/a.json", "missing/key"])
    assert [o.key for o in store.list("t/")] == ["t/2026/11/17/b.json.gz"]
