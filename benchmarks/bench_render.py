"""Render 1,000 generated agent scorecards plus the team summary on both cores and time it.

Usage: python benchmarks/bench_render.py [--agents 1000] [--workers 2] [--page-size A4]
    [--baseline-ref 228b7a1 | --baseline-ref none]
First, side by side: every scorecard rendered with the baseline commit's report_templates/ and
flows/render/charts.py and with today's, alternately in the same worker processes (same cards,
same renderer and WeasyPrint, same moment), and the median CPU seconds per scorecard of both.
Then the week as the flow renders it, today's templates only: the median seconds per scorecard
(wall time inside one worker process, i.e. one core), the median CPU seconds, and the total wall
time (building the report data plus rendering).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
from machine import describe

from checks.criteria.results import FINDINGS_SCHEMA, SCORES_SCHEMA
from checks.transcripts.transcript import CONTACTS_SCHEMA, CRITERIA, SIGNALS, TURNS_SCHEMA
from flows.render import pdf
from flows.render.pdf import TEAM_SUMMARY_FILE, render_week_pdfs_timed
from flows.report.build import build_week_report
from flows.report.model import CRITERION_LABELS, AgentCard, WeekReport
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, published_scores_table, week_bounds
from flows.report.team_scope import team_summaries
from flows.runtime.worker_pool import spawn_pool

WEEK = "2026-W47"

# (turns, findings as (signal, turn, phrase), criterion scores, opportunity)
_KINDS: list[
    tuple[list[tuple[str, str]], list[tuple[str, int, str]], tuple[float | None, ...], str]
]
_KINDS = [
    (
        [
            ("customer", "Third call this week and the parcel is still not here, I'm fed up."),
            (
                "agent",
                "I'd be fed up too. So the parcel from the 3rd never arrived. I'll send a "
                "replacement today and you'll get a tracking email by tonight.",
            ),
            ("customer", "Fine, thank you."),
            ("agent", "Does that sort it for you? Thanks for your patience."),
        ],
        [
            ("customer_distress", 0, "I'm fed up"),
            ("acknowledges_feeling", 1, "I'd be fed up too"),
            ("reflects_problem", 1, "So the parcel from the 3rd never arrived"),
            ("takes_ownership", 1, "I'll send a replacement"),
            ("next_step", 1, "by tonight"),
            ("confirms_resolution", 3, "Does that sort it for you?"),
            ("warmth", 3, "Thanks for your patience"),
        ],
        (92.0, 90.0, 100.0, 90.0),
        "needed_shown",
    ),
    (
        [
            ("customer", "Can I change the email on my account to sam@example.net?"),
            ("agent", "Of course! Done, the address is updated. Have a great afternoon."),
        ],
        [("warmth", 1, "Of course!"), ("warmth", 1, "Have a great afternoon")],
        (None, None, 100.0, 95.0),
        "none",
    ),
    (
        [
            ("customer", "I'm so angry, you charged card 4111 1111 1111 1111 twice!"),
            ("agent", "I understand. I understand. Sorry, really sorry, I'm so sorry."),
            ("customer", "Call me on 555-201-3344."),
            ("agent", "Oh no, that's awful, they keep messing this up."),
        ],
        [
            ("customer_distress", 0, "I'm so angry"),
            ("empty_understand", 1, "I understand."),
            ("empty_understand", 1, "I understand. Sorry"),
            ("apology", 1, "Sorry"),
            ("apology", 1, "really sorry"),
            ("apology", 1, "I'm so sorry"),
            ("pity", 3, "that's awful"),
            ("co_blaming", 3, "they keep messing this up"),
        ],
        (25.0, 30.0, 35.0, 55.0),
        "needed_missed",
    ),
    (
        [
            ("customer", "Nobody ever answers my emails, this is useless."),
            ("agent", "Have you tried the help page? That's our policy."),
            ("customer", "My reference is four two two one nine nine."),
            ("agent", "I will look into it."),
        ],
        [
            ("customer_distress", 0, "this is useless"),
            ("dismissive", 1, "Have you tried the help page?"),
            ("dismissive", 1, "That's our policy."),
            ("takes_ownership", 3, "I will look into it"),
        ],
        (15.0, 45.0, 90.0, 45.0),
        "needed_missed",
    ),
    (
        [
            ("customer", "My invoice shows the wrong address."),
            ("agent", "We value you as a customer. Let me correct the address now."),
            ("customer", "Thanks."),
            ("agent", "Anything else I can do? Bye for now."),
        ],
        [
            ("scripted_line", 1, "We value you as a customer."),
            ("takes_ownership", 1, "Let me correct the address"),
            ("confirms_resolution", 3, "Anything else I can do?"),
            ("warmth", 3, "Bye for now"),
        ],
        (None, 75.0, 100.0, 80.0),
        "none",
    ),
]
_FIRST = ["Dana", "Sam", "Lee", "Ava", "Noor", "Iker", "Mia", "Tom", "Zoe", "Ravi", "Ines", "Kai"]
_LAST = ["Cole", "Reed", "Park", "Silva", "Haddad", "Moreau", "Olsen", "Brandt", "Ito", "Khan"]


def synthetic_week(
    n_agents: int, per_agent: int = 5, history_weeks: int = 7, seed: int = 7
) -> dict[str, pl.DataFrame]:
    """scores, findings, contacts, turns and history frames for ``n_agents`` generated agents."""
    rng = random.Random(seed)
    monday, _ = week_bounds(WEEK)
    start = datetime(monday.year, monday.month, monday.day, 8, tzinfo=UTC)
    cols: dict[str, list[dict[str, object]]] = {"s": [], "f": [], "c": [], "t": [], "h": []}
    for a in range(n_agents):
        aid = f"a-{a:04d}"
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        team = f"Team {'ABCD'[a % 4]}"
        skill = rng.uniform(-25, 15)
        for k in range(per_agent):
            turns, finds, crit, opp = _KINDS[rng.randrange(len(_KINDS))]
            cid = f"c-{a:04d}-{k:02d}"
            counts = dict.fromkeys(SIGNALS, 0)
            for signal, turn, phrase in finds:
                s = turns[turn][1].index(phrase)
                counts[signal] += 1
                cols["f"].append(
                    {
                        "contact_id": cid,
                        "agent_id": aid,
                        "signal": signal,
                        "turn": turn,
                        "speaker": turns[turn][0],
                        "start": s,
                        "end": s + len(phrase),
                        "text": phrase,
                    }
                )
            scores = [None if v is None else max(0.0, min(100.0, v + skill)) for v in crit]
            applicable = [v for v in scores if v is not None]
            cols["s"].append(
                {
                    "contact_id": cid,
                    "agent_id": aid,
                    "rubric_version": "bench-1",
                    **dict(zip(CRITERIA, scores, strict=True)),
                    "overall": sum(applicable) / len(applicable),
                    "opportunity": opp,
                    "routine": crit[1] is None,
                    "n_turns": len(turns),
                    "n_agent_turns": sum(1 for sp, _ in turns if sp == "agent"),
                    **{f"n_{s}": n for s, n in counts.items()},
                }
            )
            started = start + timedelta(hours=rng.randrange(0, 7 * 24))
            cols["c"].append(
                {
                    "contact_id": cid,
                    "agent_id": aid,
                    "agent_name": name,
                    "team": team,
                    "started_at": started,
                    "channel": rng.choice(["voice", "chat", "email"]),
                    "language": "en",
                    "source_key": f"in/{cid}.json",
                }
            )
            for i, (speaker, text) in enumerate(turns):
                cols["t"].append(
                    {
                        "contact_id": cid,
                        "agent_id": aid,
                        "turn": i,
                        "speaker": speaker,
                        "text": text,
                        "begin_ms": None,
                        "end_ms": None,
                    }
                )
        for back in range(1, history_weeks + 1):
            day = monday - timedelta(weeks=back)
            iso = day.isocalendar()
            base = 70 + skill + rng.uniform(-6, 6)
            cols["h"].append(
                {
                    "week": f"{iso.year}-W{iso.week:02d}",
                    "contact_id": f"h-{aid}-{back}",
                    "agent_id": aid,
                    "rubric_version": "bench-1",
                    "empathy": base - 5,
                    "compassion": base + 3,
                    "sympathy_overload": min(100.0, base + 15),
                    "hospitality": base + 5,
                    "overall": base,
                    "opportunity": "needed_shown",
                    "routine": False,
                    "n_turns": 4,
                    "n_agent_turns": 2,
                    **{f"n_{s}": 0 for s in SIGNALS},
                    "agent_name": name,
                    "team": team,
                    "started_at": datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                    "channel": "voice",
                }
            )
    return {
        "scores": pl.DataFrame(cols["s"], schema=SCORES_SCHEMA),
        "findings": pl.DataFrame(cols["f"], schema=FINDINGS_SCHEMA),
        "contacts": pl.DataFrame(cols["c"], schema=CONTACTS_SCHEMA),
        "turns": pl.DataFrame(cols["t"], schema=TURNS_SCHEMA),
        "history": pl.DataFrame(cols["h"], schema=PUBLISHED_SCORES_SCHEMA),
    }


BASELINE_REF = "228b7a1"  # the commit before issue 19's card: one style.css for every report
REPO = Path(__file__).resolve().parent.parent


def extract_baseline(ref: str, into: Path) -> Path:
    """A commit's report_templates/ and flows/render/charts.py written under `into` (git)."""
    tar = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "report_templates", "flows/render/charts.py"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            archive.extractall(into, filter="data")
        else:  # our own git archive of our own files
            archive.extractall(into)
    return into


def baseline_assets(root: Path) -> pdf.Assets:
    """Older templates link no stylesheet: they took style.css and WeasyPrint's UA sheet."""
    return pdf.Assets(root / "report_templates", default_sheets=("style.css",), user_agent=None)


@cache
def baseline_charts(root: Path) -> ModuleType:
    """The baseline commit's chart code, loaded as a module of its own."""
    spec = importlib.util.spec_from_file_location(
        "baseline_charts", root / "flows" / "render" / "charts.py"
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the baseline's charts.py from {root}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    if not hasattr(module, "trend_key"):
        # Before the chart's key moved into the HTML (trend_key) the chart drew its key itself
        # and trend_svg took the series' labels: called the way today's renderer calls it.
        draw = module.trend_svg
        labels = {"overall": "Overall", **CRITERION_LABELS}

        def trend_svg(weeks: Any, series: Any, band: Any = None) -> str:
            return str(draw(weeks, series, labels, band=band))

        setattr(module, "trend_svg", trend_svg)  # noqa: B010 (a module mypy cannot see)
        setattr(module, "trend_key", lambda series, labels: [])  # noqa: B010
    return module


@contextmanager
def rendering_with(assets: pdf.Assets, charts: ModuleType) -> Iterator[None]:
    """Render from these templates and chart code in this process, then go back to today's."""
    saved = pdf.charts
    pdf.use_assets(assets)
    pdf.charts = charts  # the renderer reads its charts through this module attribute
    try:
        yield
    finally:
        pdf.charts = saved
        pdf.use_assets(pdf.PACKAGED_ASSETS)


def _init_side_by_side(baseline_root: str) -> None:
    pdf._worker_init()  # warms today's templates, freezes the heap, sets the GC thresholds
    root = Path(baseline_root)
    with rendering_with(baseline_assets(root), baseline_charts(root)):
        pdf.html_to_pdf('<html lang="en"><body><p>warm-up</p></body></html>')  # parse its CSS


def _cpu_seconds(card: AgentCard, page_size: str) -> float:
    c0 = time.process_time()
    pdf.render_scorecard_pdf(card, page_size=page_size)
    return time.process_time() - c0


def _side_by_side(baseline_root: str, job: tuple[int, AgentCard, str]) -> tuple[float, float]:
    """CPU seconds of one card with the baseline's templates and charts and with today's, in
    turn (which goes first alternates, so neither always finds the other's garbage)."""
    i, card, page_size = job
    root = Path(baseline_root)
    new_cpu = _cpu_seconds(card, page_size) if i % 2 else 0.0
    with rendering_with(baseline_assets(root), baseline_charts(root)):
        old_cpu = _cpu_seconds(card, page_size)
    if not i % 2:
        new_cpu = _cpu_seconds(card, page_size)
    return old_cpu, new_cpu


def compare_with_baseline(report: WeekReport, ref: str, workers: int, page_size: str) -> None:
    """Render every card with the baseline's templates and today's, interleaved, and print both."""
    jobs = [(i, card, page_size) for i, card in enumerate(report.agents)]
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        root = str(extract_baseline(ref, Path(tmp)))
        t0 = time.perf_counter()
        with spawn_pool(workers, initializer=partial(_init_side_by_side, root)) as pool:
            pairs = list(pool.map(partial(_side_by_side, root), jobs, chunksize=4))
        wall = time.perf_counter() - t0
    old = sorted(p[0] for p in pairs)
    new = sorted(p[1] for p in pairs)
    old_median, new_median = statistics.median(old), statistics.median(new)
    p95 = int(0.95 * (len(pairs) - 1))
    print(f"side by side, {len(pairs)} scorecards on {workers} workers ({wall:.1f} s):")
    print(f"  baseline {ref} templates:   {old_median:.3f} s CPU / scorecard (median)")
    print(f"  today's templates:          {new_median:.3f} s CPU / scorecard (median)")
    print(
        f"  reduction:                  {1 - new_median / old_median:.1%} of the median "
        "(the baseline with its own charts.py)"
    )
    print(f"  p95:                        {old[p95]:.3f} s vs {new[p95]:.3f} s")
    print(
        f"  CPU of all scorecards:      {sum(old):.1f} s vs {sum(new):.1f} s "
        f"({1 - sum(new) / sum(old):.1%} less)"
    )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page-size", default="A4")
    parser.add_argument(
        "--baseline-ref",
        default=BASELINE_REF,
        help="git ref whose report_templates/ to compare with first ('none' to skip)",
    )
    args = parser.parse_args()
    print(describe())

    t0 = time.perf_counter()
    frames = synthetic_week(args.agents)
    t1 = time.perf_counter()
    report = build_week_report(
        week=WEEK,
        table=published_scores_table(WEEK, frames["scores"], frames["contacts"]),
        findings=frames["findings"],
        history=frames["history"],
        quarantined=[("in/2026/11/18/broken.json", "not valid JSON")],
        rubric_version="bench-1",
        code_version="bench",
        turns=frames["turns"],
    )
    t2 = time.perf_counter()
    if args.baseline_ref != "none":
        compare_with_baseline(report, args.baseline_ref, args.workers, args.page_size)
        print("the week as the flow renders it, today's templates:")
    t_render = time.perf_counter()
    files = render_week_pdfs_timed(report, page_size=args.page_size, workers=args.workers)
    t3 = time.perf_counter()

    summaries = {TEAM_SUMMARY_FILE, *team_summaries(report)}
    cards = [f for f in files if f.name not in summaries]
    team = next(f for f in files if f.name == TEAM_SUMMARY_FILE)
    wall = sorted(f.seconds for f in cards)
    cpu = sorted(f.cpu_seconds for f in cards)
    print(
        f"scorecards rendered:            {len(cards)} (+ {len(summaries)} team summaries), "
        f"{args.workers} workers"
    )
    print(f"generate inputs:                {t1 - t0:.2f} s (not counted)")
    print(f"build report data:              {t2 - t1:.2f} s")
    print(f"render all PDFs:                {t3 - t_render:.2f} s")
    print(f"median seconds per scorecard:   {statistics.median(wall):.3f} s (one core, wall)")
    print(f"median CPU seconds / scorecard: {statistics.median(cpu):.3f} s")
    print(f"p95 seconds per scorecard:      {wall[int(0.95 * (len(wall) - 1))]:.3f} s")
    print(f"team summary:                   {team.seconds:.3f} s")
    print(
        f"total wall time:                {t2 - t1 + t3 - t_render:.1f} s (report data + rendering)"
    )


if __name__ == "__main__":
    main()
