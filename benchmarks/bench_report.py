"""Benchmark building the week's report data at scale (not a test; run it by hand).

    .venv/bin/python benchmarks/bench_report.py [--agents 1000] [--per-agent 250] [--repeat 1]

Generates the week with flows.examples.generate.large_week_frames, scores it with
checks.criteria.scoring in chunks of whole agents, and caches the frames as parquet in the
temp folder (keyed by the arguments) so later runs start at once. Then times
``published_scores_table`` and ``build_week_report`` (wall and CPU seconds) and prints the
peak memory of the process.
History is seven earlier weeks made from this week's table with shifted scores.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import polars as pl
from machine import describe

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checks.criteria.scoring import score_turns  # noqa: E402
from checks.rubric.rubric import load_rubric  # noqa: E402
from checks.transcripts.transcript import CRITERIA  # noqa: E402
from flows.examples.generate import large_week_frames  # noqa: E402
from flows.report.build import build_week_report  # noqa: E402
from flows.report.scores_table import (  # noqa: E402
    PUBLISHED_SCORES_SCHEMA,
    published_scores_table,
)

T = TypeVar("T")
FRAMES = ("contacts", "turns", "scores", "findings")


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def scored_week(
    week: str, n_agents: int, per_agent: int, seed: int, chunk: int, cache: Path
) -> dict[str, pl.DataFrame]:
    """Contacts, turns, scores and findings of a generated week (read from cache when present)."""
    folder = cache / f"rapport-bench-report-{week}-{n_agents}x{per_agent}-s{seed}"
    if all((folder / f"{name}.parquet").exists() for name in FRAMES):
        return {name: pl.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
    t0 = time.perf_counter()
    contacts, turns = large_week_frames(week, n_agents, n_agents * per_agent, seed)
    turns = turns.rechunk()
    print(
        f"generated {contacts.height:,} contacts, {turns.height:,} turns in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    t0 = time.perf_counter()
    rubric = load_rubric()
    agents = turns["agent_id"].unique().sort().to_list()
    scores, findings = [], []
    for lo in range(0, len(agents), chunk):
        part = turns.filter(pl.col("agent_id").is_in(agents[lo : lo + chunk]))
        batch = score_turns(part, rubric)
        scores.append(batch.scores)
        findings.append(batch.findings)
    frames = {
        "contacts": contacts,
        "turns": turns,
        "scores": pl.concat(scores),
        "findings": pl.concat(findings),
    }
    print(f"scored in {time.perf_counter() - t0:.1f} s")
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.write_parquet(folder / f"{name}.parquet")
    return frames


def history_of(table: pl.DataFrame, week: str, weeks: int = 7) -> pl.DataFrame:
    """Earlier weeks shaped like published tables: this week's rows relabelled and shifted."""
    year, _, num = week.partition("-W")
    parts = []
    for back in range(1, weeks + 1):
        label = f"{year}-W{int(num) - back:02d}"
        shift = (back * 7 % 11) - 5.0
        parts.append(
            table.with_columns(
                pl.lit(label).alias("week"),
                *[(pl.col(c) + shift).clip(0, 100) for c in (*CRITERIA, "overall")],
            )
        )
    return pl.concat(parts).cast(dict(PUBLISHED_SCORES_SCHEMA))  # type: ignore[arg-type]


def _timed(label: str, fn: Callable[[], T]) -> T:
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak {_peak_gib():.2f} GiB")
    return out


def main() -> int:
    """Build the inputs (or read the cache) and time the report data steps."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--week", default="2026-W47")
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--per-agent", type=int, default=250)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--agents-per-chunk", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    args = ap.parse_args()
    print(describe())

    f = scored_week(
        args.week, args.agents, args.per_agent, args.seed, args.agents_per_chunk, args.cache
    )
    print(
        f"inputs: {f['scores'].height:,} scored contacts, {f['turns'].height:,} turns, "
        f"{f['findings'].height:,} findings; peak so far {_peak_gib():.2f} GiB"
    )
    table = published_scores_table(args.week, f["scores"], f["contacts"])
    history = history_of(table, args.week)
    for _ in range(max(args.repeat, 1)):
        _timed(
            "published_scores_table",
            lambda: published_scores_table(args.week, f["scores"], f["contacts"]),
        )
        report = _timed(
            "build_week_report",
            lambda: build_week_report(
                week=args.week,
                table=published_scores_table(args.week, f["scores"], f["contacts"]),
                findings=f["findings"],
                history=history,
                quarantined=[],
                rubric_version="bench",
                code_version="bench",
                turns=f["turns"],
            ),
        )
        print(f"{len(report.agents)} cards")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
