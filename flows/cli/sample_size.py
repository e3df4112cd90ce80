"""`rapport sample-size`: how sure the published weeks' scores are at today's sample size, and
how many contacts per agent would make them sure to ±5 or ±10 points."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Final

import polars as pl
import typer

from checks.criteria.intervals import LEVEL, MIN_CONTACTS, half_width_at, sample_size_for
from checks.transcripts.transcript import CRITERIA
from flows.cli.common import (
    Bucket,
    ConfigFile,
    EndpointUrl,
    LocalRoot,
    OutputBucket,
    OutputPrefix,
    StoreKind,
    console,
    fail,
    weeks_of,
)
from flows.config.settings import load_settings
from flows.config.weeks import IsoWeek
from flows.report.history import read_history
from flows.report.model import CRITERION_LABELS
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, scored_rows
from flows.stores.base import ObjectStore
from flows.stores.factory import output_store

TARGETS: Final = (5.0, 10.0)


@dataclass(frozen=True, slots=True)
class CriterionNeed:
    """One score's spread and the contacts per agent it needs (None: not enough data)."""

    key: str
    label: str
    spread: float | None  # per-contact standard deviation within an agent's week (points)
    applies: float  # share of contacts the score applies to
    contacts_now: int  # typical contacts per agent in the latest week
    half_width_now: float | None  # ± at contacts_now
    needed: tuple[int | None, ...]  # contacts per agent for each of TARGETS


def _pooled_spread(table: pl.DataFrame, col: str) -> float | None:
    """The within-agent-week standard deviation of ``col``, pooled over agents and weeks."""
    groups = (
        table.filter(pl.col(col).is_not_null())
        .group_by("agent_id", "week")
        .agg(n=pl.len(), ss=((pl.col(col) - pl.col(col).mean()) ** 2).sum())
        .filter(pl.col("n") >= 2)
    )
    dof = int((groups["n"] - 1).sum()) if groups.height else 0
    if dof == 0:
        return None
    return math.sqrt(float(groups["ss"].sum()) / dof)


def sample_size_needs(table: pl.DataFrame) -> list[CriterionNeed]:
    """Spread, today's ± and the contacts needed per score (overall and each criterion), from
    published score tables (PUBLISHED_SCORES_SCHEMA rows of one or more weeks)."""
    table = scored_rows(table)
    if table.is_empty():
        return []
    latest = table.filter(pl.col("week") == table["week"].max())
    per_agent = latest.group_by("agent_id").len()["len"].to_list()
    contacts_now = int(statistics.median(per_agent))
    out = []
    for key in ("overall", *CRITERIA):
        applies = table[key].count() / table.height
        spread = _pooled_spread(table, key)
        applied_now = math.floor(contacts_now * applies)
        now = (
            None
            if spread is None or applied_now < MIN_CONTACTS
            else half_width_at(spread, applied_now)
        )
        needed: tuple[int | None, ...] = tuple(
            None
            if spread is None or applies == 0
            else math.ceil(sample_size_for(spread, target) / applies)
            for target in TARGETS
        )
        label = "Overall" if key == "overall" else CRITERION_LABELS[key]
        out.append(CriterionNeed(key, label, spread, applies, contacts_now, now, needed))
    return out


def read_published(
    store: ObjectStore, output_prefix: str, latest: IsoWeek, weeks: int
) -> pl.DataFrame:
    """The published score tables of ``weeks`` weeks up to and including ``latest``."""
    empty = PUBLISHED_SCORES_SCHEMA.to_frame()
    return read_history(store, output_prefix, latest.shift(1), weeks, empty)


def needs_lines(needs: Sequence[CriterionNeed], weeks_found: int) -> list[str]:
    """The command's report as plain lines (one per score, after a heading)."""
    if not needs:
        return ["No published score tables found: run a week first (rapport run)."]
    n = needs[0].contacts_now
    lines = [
        f"From {weeks_found} published week{'s' if weeks_found != 1 else ''}; "
        f"{n} contacts per agent now; {LEVEL:.0%} intervals.",
        f"{'score':<18}{'applies':>8}{'spread':>8}{'now':>8}"
        + "".join(f"{f'for ±{t:.0f}':>9}" for t in TARGETS),
    ]
    for need in needs:
        spread = "–" if need.spread is None else f"{need.spread:.0f}"
        now = "too few" if need.half_width_now is None else f"±{need.half_width_now:.0f}"
        wanted = "".join(f"{'–' if k is None else k:>9}" for k in need.needed)
        lines.append(f"{need.label:<18}{need.applies:>8.0%}{spread:>8}{now:>8}" + wanted)
    lines.append(
        "now: the ± of an agent's week score at today's sample; for ±N: contacts per agent to "
        "sample for that width (criteria that apply to fewer contacts need more)."
    )
    return lines


def sample_size_report(
    store: ObjectStore, output_prefix: str, latest: IsoWeek, weeks: int
) -> list[str]:
    """Read the published weeks and return the report's lines."""
    table = read_published(store, output_prefix, latest, weeks)
    return needs_lines(sample_size_needs(table), table["week"].n_unique())


def sample_size(
    week: Annotated[
        str | None, typer.Option("--week", "-w", help="Latest week to read (default: last one).")
    ] = None,
    weeks: Annotated[int, typer.Option(min=1, help="Published weeks to read, back from it.")] = 4,
    config: ConfigFile = None,
    store: StoreKind = None,
    bucket: Bucket = None,
    output_bucket: OutputBucket = None,
    endpoint_url: EndpointUrl = None,
    local_root: LocalRoot = None,
    output_prefix: OutputPrefix = None,
) -> None:
    """How sure each score is at today's sample size, and the contacts for ±5 and ±10."""
    try:
        settings = load_settings(
            config,
            store=store,
            bucket=bucket,
            output_bucket=output_bucket,
            endpoint_url=endpoint_url,
            local_root=local_root,
            output_prefix=output_prefix,
        )
    except ValueError as exc:
        raise fail(str(exc)) from exc
    latest = weeks_of(week, settings)[-1]
    for line in sample_size_report(output_store(settings), settings.output_prefix, latest, weeks):
        console.print(line, highlight=False, markup=False)
