"""Benchmark the scoring step on a large generated week (not a test; run it by hand).

    .venv/bin/python benchmarks/bench_scoring.py [--agents 1000] [--contacts 250000]

Generates the week with flows.examples.generate.large_week_frames, then scores it in a fresh process
(so the peak memory printed is the scoring step's, reading its input included), whole agents at
a time, and prints turns per second and peak RSS.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from machine import describe

if TYPE_CHECKING:
    from checks.rubric.rubric import Rubric

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _score_chunk(turns: pl.DataFrame, rubric: Rubric) -> tuple[int, int, int]:
    from checks.criteria.scoring import score_turns

    batch = score_turns(turns, rubric)
    return turns.height, batch.scores.height, batch.findings.height


def score_file(
    path: str, agents_per_chunk: int, workers: int, queue: mp.Queue[dict[str, float]]
) -> None:
    """Child process: read the turns, score them chunk by chunk, report time and peak memory."""
    from checks.rubric.rubric import load_rubric

    rubric = load_rubric()
    turns = pl.read_parquet(path)
    agents = turns["agent_id"].unique().sort().to_list()
    started = time.perf_counter()
    cpu0 = time.process_time()
    chunks = [
        turns.filter(pl.col("agent_id").is_in(agents[lo : lo + agents_per_chunk]))
        for lo in range(0, len(agents), agents_per_chunk)
    ]
    del turns
    # polars releases the GIL, so two chunks in flight keep both cores busy
    with ThreadPoolExecutor(max_workers=workers) as pool:
        sizes = list(pool.map(lambda c: _score_chunk(c, rubric), chunks))
    n_turns = sum(len_ for len_, _, _ in sizes)
    n_scores = sum(n for _, n, _ in sizes)
    n_findings = sum(n for _, _, n in sizes)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put(
        {
            "turns": float(n_turns),
            "contacts": float(n_scores),
            "findings": float(n_findings),
            "seconds": seconds,
            "cpu": cpu,
            "peak_gib": peak_kib / 1024**2,
        }
    )


def main() -> int:
    """Generate, score, print the figures; exit 1 when a target is missed."""
    from flows.examples.generate import large_week_frames

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--week", default="2026-W47")
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--contacts", type=int, default=250_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--agents-per-chunk", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    print(describe())

    t0 = time.perf_counter()
    _, turns = large_week_frames(args.week, args.agents, args.contacts, args.seed)
    print(f"generated {turns.height:,} turns in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "turns.parquet")
        turns.write_parquet(path)
        del turns
        ctx = mp.get_context("spawn")
        queue: mp.Queue[dict[str, float]] = ctx.Queue()
        child = ctx.Process(
            target=score_file, args=(path, args.agents_per_chunk, args.workers, queue)
        )
        child.start()
        result = queue.get()
        child.join()
    rate = result["turns"] / result["seconds"]
    print(
        f"scored {int(result['contacts']):,} contacts ({int(result['turns']):,} turns, "
        f"{int(result['findings']):,} findings) in {result['seconds']:.1f} s: "
        f"{rate:,.0f} turns/s, peak memory {result['peak_gib']:.2f} GiB, "
        f"CPU {result['cpu']:.1f} s over {args.workers} worker thread(s)"
    )
    ok = result["seconds"] < 60 and result["peak_gib"] < 4
    print("targets (< 60 s, < 4 GiB):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
