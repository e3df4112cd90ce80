"""infra/pick-python.sh: the interpreter `make setup` builds the environment on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def pick(repo_root: Path, *candidates: str) -> str:
    done = subprocess.run(
        ["bash", str(repo_root / "infra" / "pick-python.sh"), *candidates],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def fake_python(path: Path, version: tuple[int, int]) -> str:
    """A stand-in that answers the script's version check like that Python would."""
    ok = 0 if version >= (3, 11) else 1
    path.write_text(f"#!/bin/sh\nexit {ok}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_takes_the_first_candidate_new_enough(repo_root: Path, tmp_path: Path) -> None:
    old = fake_python(tmp_path / "python3.9", (3, 9))
    new = fake_python(tmp_path / "python3.12", (3, 12))
    newer = fake_python(tmp_path / "python3.13", (3, 13))
    assert pick(repo_root, str(tmp_path / "absent"), old, new, newer) == new


def test_prints_nothing_when_no_candidate_will_do(repo_root: Path, tmp_path: Path) -> None:
    old = fake_python(tmp_path / "python3.10", (3, 10))
    assert pick(repo_root, old, str(tmp_path / "absent")) == ""


def test_default_choice_is_a_real_python_new_enough(repo_root: Path) -> None:
    chosen = pick(repo_root)
    if chosen:  # empty on a machine without a distribution Python: uv decides
        version = subprocess.run(
            [chosen, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert tuple(map(int, version)) >= (3, 11)
        assert Path(chosen).is_absolute()


def test_real_interpreter_is_accepted(repo_root: Path) -> None:
    assert pick(repo_root, sys.executable) == sys.executable
