"""Paths of the published example files (copied at test time) and of our own fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

SHARED = Path("/work/shared/formats")
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "formats"


@pytest.fixture
def shared_example(tmp_path: Path) -> Callable[[str], bytes]:
    """Copy one published example into tmp_path, or skip when the examples are absent."""

    def copy(name: str) -> bytes:
        source = SHARED / name
        if not source.exists():
            pytest.skip(f"{source} is not available")
        target = tmp_path / name
        shutil.copyfile(source, target)
        return target.read_bytes()

    return copy


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Bytes of one of our own fixtures under tests/fixtures/formats."""

    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
