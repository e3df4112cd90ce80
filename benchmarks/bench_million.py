"""Benchmark a week of a million contacts scored in full (`--sample all`) here (issue 19).

The week is written as production lays it out (one Contact Lens object per contact, contact
records by the hour, see bench_production.py) into a local folder, generated agent by agent in
two processes (it never sits in memory whole). The weekly flow then runs on it in a fresh
process, as `rapport run --store local --sample all` does: by default chunk by chunk of agents
in worker processes (flows/pipeline/agent_chunks.py), and with `--runs chunks,whole` also with
the whole week loaded into the flow process (`--whole-week`, today's other path), side by side.
It prints wall seconds per stage, peak memory of the flow process (VmHWM) and of the flow with
every process under it (sampled every 0.25 s), and whether the runs scored the same.

    uv run python benchmarks/bench_million.py                                # 4,000 x 250
    uv run python benchmarks/bench_million.py --agents 400 --runs chunks,whole
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_production import _scores_digest, measured_run  # noqa: E402
from machine import describe  # noqa: E402

WEEK = "2026-W47"
INPUT_PREFIX = "Analysis/Voice,Analysis/Chat"
CTR_PREFIX = "ctr"
RUNS = {"chunks": "chunks of agents in workers", "whole": "whole week in the flow (--whole-week)"}
FLOW_LIMIT_MIB = 1536
TREE_LIMIT_MIB = 8192


def write_agents(root: str, first: int, last: int, total: int, per_agent: int, part: int) -> int:
    """Write agents [first, last) of the week's ``total``; their contact records go to files of
    this writer's own (``part``), one per hour. Returns the contacts written."""
    from flows.examples.generate import agent_week
    from flows.examples.personas import personas_for
    from flows.examples.writers import to_contact_lens, to_ctr_stream

    base = Path(root)
    personas = personas_for(total)[first:last]
    hours: defaultdict[str, list[bytes]] = defaultdict(list)
    made = 0
    for persona in personas:
        contacts = agent_week(WEEK, persona, seed=11, n=per_agent)
        for contact in contacts:
            key, data = to_contact_lens(contact)
            path = base / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            assert contact.started_at is not None
            hours[f"{contact.started_at:%Y/%m/%d/%H}"].append(to_ctr_stream([contact]))
        made += len(contacts)
    for hour, lines in hours.items():
        path = base / CTR_PREFIX / hour / f"records-{part}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\n".join(lines) + b"\n")
    return made


def write_week(root: Path, agents: int, per_agent: int) -> tuple[int, float]:
    """The week under ``root`` (reused when a previous call wrote the same one)."""
    marker = root / f".written-{agents}x{per_agent}"
    if marker.exists():
        return int(marker.read_text()), 0.0
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    start = time.perf_counter()
    workers = max(1, os.cpu_count() or 1)
    step = -(-agents // (8 * workers))
    with ProcessPoolExecutor(workers) as pool:
        futures = [
            pool.submit(write_agents, str(root), a, min(agents, a + step), agents, per_agent, n)
            for n, a in enumerate(range(0, agents, step))
        ]
        contacts = sum(f.result() for f in futures)
    marker.write_text(str(contacts))
    return contacts, time.perf_counter() - start


def run_one(root: str, run: str, out: str) -> None:
    """Run the flow once here, as `rapport run` does, and print one JSON line of figures."""
    from flows.config.prefect_env import configure_prefect_defaults

    configure_prefect_defaults()
    from flows.config.settings import Settings
    from flows.pipeline.execution import weekly_flow

    settings = Settings(
        store="local",
        local_root=Path(root),
        input_prefix=INPUT_PREFIX,
        ctr_prefix=CTR_PREFIX,
        sample="all",
        out_dir=None,
        output_prefix=f"{out}/scorecards",
        whole_week=run == "whole",
    )
    figures = measured_run(lambda: weekly_flow(settings)(week=WEEK, settings=settings))
    figures["scores_sha256"] = _scores_digest(Path(root) / out / "scorecards" / WEEK / "scores.csv")
    print("RESULT " + json.dumps(figures), flush=True)


def run_in_process(root: Path, run: str, logs: Path | None) -> dict[str, Any]:
    """One run in a fresh process (its peak memory is its own)."""
    out = f"bench-out-{run}"
    done = subprocess.run(
        [sys.executable, __file__, "--run-one", str(root), run, out],
        capture_output=True,
        text=True,
        env={**os.environ, "PREFECT_LOGGING_LEVEL": "INFO" if logs else "WARNING"},
    )
    shutil.rmtree(root / out, ignore_errors=True)
    if logs:
        (logs / f"million-{run}.log").write_text(done.stdout + done.stderr)
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode or not lines:
        print(done.stdout[-3000:], done.stderr[-3000:])
        raise SystemExit(f"run failed ({run})")
    figures: dict[str, Any] = json.loads(lines[-1][7:])
    return figures


def table(runs: dict[str, dict[str, Any]], contacts: int) -> str:
    """The runs side by side, as a Markdown table."""
    names = list(runs)
    rows: list[tuple[str, list[str]]] = [
        ("contacts (Contact Lens objects)", [f"{contacts:,}"] * len(names)),
        ("agents", [f"{r['agents']:,}" for r in runs.values()]),
        ("scored", [f"{r['counts']['scored']:,}" for r in runs.values()]),
    ]
    stages = list(dict.fromkeys(k for r in runs.values() for k in r["stages_s"]))
    for stage in stages:
        cells = [
            f"{r['stages_s'][stage]:.1f}" if stage in r["stages_s"] else "" for r in runs.values()
        ]
        rows.append((f"{stage} (s)", cells))
    rows.append(("total wall (s)", [f"{r['wall_s']:.1f}" for r in runs.values()]))
    rows.append(("scores.csv digest", [r["scores_sha256"] for r in runs.values()]))
    rows.append(("peak RSS, flow process", [f"{r['peak_rss_mib']:,} MiB" for r in runs.values()]))
    rows.append(
        ("peak RSS, with workers", [f"{r['peak_tree_rss_mib']:,} MiB" for r in runs.values()])
    )
    head = "| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names) + "\n"
    return head + "\n".join(f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=4000)
    parser.add_argument("--contacts-per-agent", type=int, default=250)
    parser.add_argument("--runs", default="chunks", help="comma-separated: chunks, whole")
    parser.add_argument("--root", type=Path, help="folder for the week (kept for reruns)")
    parser.add_argument("--logs", type=Path, help="keep each run's log in this folder")
    parser.add_argument("--run-one", nargs=3, metavar=("ROOT", "RUN", "OUT"))
    args = parser.parse_args()
    if args.run_one:
        run_one(*args.run_one)
        return
    root = args.root or Path(tempfile.gettempdir()) / "rapport-bench-million"
    print(describe())
    contacts, seconds = write_week(root, args.agents, args.contacts_per_agent)
    print(f"week: {contacts:,} contacts under {root} (written in {seconds:.0f} s)", flush=True)
    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    runs = {RUNS[r]: run_in_process(root, r, args.logs) for r in args.runs.split(",")}
    print(table(runs, contacts))
    for name, r in runs.items():
        verdict = (
            "within"
            if r["peak_rss_mib"] < FLOW_LIMIT_MIB and r["peak_tree_rss_mib"] < TREE_LIMIT_MIB
            else "OVER"
        )
        print(
            f"{name}: flow {r['peak_rss_mib']:,} MiB (< {FLOW_LIMIT_MIB:,}), with workers "
            f"{r['peak_tree_rss_mib']:,} MiB (< {TREE_LIMIT_MIB:,}): {verdict} the targets"
        )


if __name__ == "__main__":
    main()
