"""infra/Dockerfile: the worker image has WeasyPrint's libraries, a frozen uv sync, no root."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest

from flows.pipeline.deployment import load_deployment_spec

TEST_ONLY_PACKAGES = {"poppler-utils"}


def instructions(repo_root: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (repo_root / "infra" / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


def of(repo_root: Path, keyword: str) -> list[str]:
    return [args for kw, args in instructions(repo_root) if kw == keyword]


def setup_packages(repo_root: Path) -> set[str]:
    script = (repo_root / "infra" / "setup-machine.sh").read_text(encoding="utf-8")
    found = re.search(r"^need=\((.*?)\)", script, re.M)
    assert found is not None
    return set(found.group(1).split())


def test_base_image_is_python_311_slim(repo_root: Path) -> None:
    (base,) = of(repo_root, "FROM")
    assert base.split()[0] == "python:3.11-slim"


def test_apt_installs_weasyprint_libraries_of_the_setup_script(repo_root: Path) -> None:
    installs = [r for r in of(repo_root, "RUN") if "apt-get install" in r]
    assert len(installs) == 1
    words = shlex.split(installs[0].split("apt-get install", 1)[1].split("&&")[0])
    packages = {w for w in words if not w.startswith("-")}
    assert packages == setup_packages(repo_root) - TEST_ONLY_PACKAGES
    assert "libharfbuzz-subset0" in packages
    assert {"fonts-noto-cjk", "fonts-noto-color-emoji"} <= packages  # not tofu
    assert "--no-install-recommends" in words
    assert "rm -rf /var/lib/apt/lists/*" in installs[0]


def test_uv_comes_from_pypi_and_syncs_the_frozen_lock_without_dev(repo_root: Path) -> None:
    runs = of(repo_root, "RUN")
    pip = [r for r in runs if r.startswith("pip install")]
    assert len(pip) == 1
    assert re.search(r"\buv==[\d.]+", pip[0])
    syncs = [r for r in runs if r.startswith("uv sync")]
    assert syncs, "no uv sync"
    for sync in syncs:
        assert {"--frozen", "--no-dev", "--compile-bytecode"} <= set(sync.split())
    assert "--no-install-project" not in syncs[-1], "the last sync must install the project"
    assert runs.index(pip[0]) < runs.index(syncs[0])


def test_copies_lock_before_sync_and_only_what_the_context_sends(repo_root: Path) -> None:
    sequence = instructions(repo_root)
    first_sync = next(i for i, (kw, a) in enumerate(sequence) if kw == "RUN" and "uv sync" in a)
    early = " ".join(a for kw, a in sequence[:first_sync] if kw == "COPY")
    assert "uv.lock" in early
    assert "pyproject.toml" in early
    ignore = (repo_root / "infra" / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    sent = {line[1:].rstrip("/") for line in ignore.splitlines() if line.startswith("!")}
    for args in of(repo_root, "COPY"):
        sources = [w for w in args.split() if not w.startswith("--")][:-1]
        for source in sources:
            assert (repo_root / source).exists(), source
            assert source.rstrip("/") in sent, f"{source} is filtered out of the build context"


def test_runs_as_a_non_root_user_with_the_rapport_entrypoint(repo_root: Path) -> None:
    sequence = instructions(repo_root)
    users = [(i, a) for i, (kw, a) in enumerate(sequence) if kw == "USER"]
    assert users, "no USER"
    last_user, user = users[-1]
    assert user not in {"root", "0", "0:0"}
    assert all(kw != "RUN" for kw, _ in sequence[last_user:])
    (entrypoint,) = of(repo_root, "ENTRYPOINT")
    command = json.loads(entrypoint)
    assert command == ["rapport-entrypoint"]
    copied = [a for a in of(repo_root, "COPY") if a.endswith("/usr/local/bin/rapport-entrypoint")]
    assert len(copied) == 1
    assert "--chmod=0755" in copied[0]
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["rapport"] == "flows.cli.app:app"


def test_rapport_home_is_the_workdir_the_pull_step_moves_to(repo_root: Path) -> None:
    (workdir,) = of(repo_root, "WORKDIR")
    env = " ".join(of(repo_root, "ENV"))
    assert f"RAPPORT_HOME={workdir}" in env
    spec = load_deployment_spec()
    assert (repo_root / spec.flow_path).is_file()
    assert "./infra/prefect.yaml" in " ".join(of(repo_root, "COPY"))


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    for name in ("rapport", "prefect"):
        tool = tmp_path / name
        tool.write_text(f'#!/bin/sh\necho {name} "$@"\n', encoding="utf-8")
        tool.chmod(0o755)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "rapport"),
        (["--help"], "rapport --help"),
        (["run", "--week", "2026-W47"], "rapport run --week 2026-W47"),
        (["prefect", "flow-run", "execute"], "prefect flow-run execute"),
        (["prefectx"], "rapport prefectx"),
    ],
)
def test_entrypoint_script_routes_to_rapport_unless_a_runtime_command(
    repo_root: Path, fake_bin: Path, args: list[str], expected: str
) -> None:
    script = repo_root / "infra" / "docker-entrypoint.sh"
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["sh", str(script), *args], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == expected
