"""give_back_freed_memory: trims glibc's heap where it can, and is harmless where it cannot."""

from __future__ import annotations

import ctypes
import sys

import pytest

from flows.runtime import memory


def test_the_heap_is_trimmed_through_libc(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class Libc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: Libc())
    memory.give_back_freed_memory()
    assert calls == [0]


def test_a_libc_without_malloc_trim_or_another_system_is_no_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: object())  # musl: no malloc_trim
    memory.give_back_freed_memory()
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: pytest.fail("libc looked up off Linux"))
    memory.give_back_freed_memory()
