"""LocalStore: keys stay inside its root."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.stores.local import LocalStore


def test_local_store_refuses_keys_outside_its_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        LocalStore(tmp_path / "root").put("../evil", b"x")
