"""Per-agent figures from the score table: weighted means, intervals, counts, flags, trends."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any, Final

import polars as pl

from checks.criteria.intervals import (
    LEVEL,
    MIN_CONTACTS,
    Interval,
    interval,
)
from checks.criteria.means import weighted_mean as criterion_mean
from checks.transcripts.transcript import CRITERIA
from flows.report.model import ContactRow, SignalCount, TrendPoint
from flows.report.scores_table import scored_rows
from flows.select.coaching_picks import PICK_BECAUSE_PREFIX, PICK_STATE


def unsupported_languages(
    table: pl.DataFrame,
) -> tuple[tuple[tuple[str, int], ...], dict[str, tuple[tuple[str, int], ...]]]:
    """(language, contacts) not scored for their language: the week's, and each agent's."""
    if "state" not in table.columns:
        return (), {}
    counts = (
        table.filter(pl.col("state") == "unsupported_language")
        .group_by("agent_id", pl.col("language").fill_null("unknown"))
        .len()
    )
    week = (
        counts.group_by("language")
        .agg(pl.col("len").sum())
        .sort(["len", "language"], descending=[True, False])
    )
    per_agent: dict[str, tuple[tuple[str, int], ...]] = {}
    by_agent = counts.sort(["len", "language"], descending=[True, False])
    for (agent,), rows in by_agent.group_by("agent_id", maintain_order=True):
        per_agent[str(agent)] = tuple(rows.select("language", "len").iter_rows())
    return tuple(week.iter_rows()), per_agent


def weight_expr() -> pl.Expr:
    # tables from before weights (and hand-built ones) count every contact alike
    return pl.col("weight").fill_null(1.0)


def weighted_mean(col: str) -> pl.Expr:
    """Mean of a column weighted by inverse selection probability, N/A rows left out."""
    return criterion_mean(col, weight_expr()).alias(col)


def with_weight(table: pl.DataFrame) -> pl.DataFrame:
    if "weight" in table.columns:
        return table
    return table.with_columns(weight=pl.lit(None, pl.Float64))


def agent_means(table: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    return (
        with_weight(table)
        .group_by(by)
        .agg(
            pl.len().alias("n"),
            weighted_mean("overall"),
            *[weighted_mean(c) for c in CRITERIA],
        )
    )


def agent_intervals(
    table: pl.DataFrame, by: Sequence[str]
) -> dict[tuple[Any, ...], dict[str, Interval | None]]:
    """90% intervals of the overall and every criterion per group (weighted like the means)."""
    keys = ("overall", *CRITERIA)
    lists = (
        with_weight(table)
        .group_by(by)
        .agg(_w=weight_expr(), **{k: pl.col(k) for k in keys})
        .iter_rows(named=True)
    )
    return {tuple(r[b] for b in by): {k: interval(r[k], r["_w"]) for k in keys} for r in lists}


def as_float(v: Any) -> float | None:
    return None if v is None else float(v)


def median_of(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return float(statistics.median(vals)) if vals else None


CONTACT_FLAGS: Final = (
    "missed empathy",
    "broken record",
    "dismissive",
    "apology pile",
    "overload",
    "scripted",
    "routine",
)


def signal_count(col: str) -> pl.Expr:
    return pl.col(col).fill_null(0)


def apology_pile() -> pl.Expr:
    n = signal_count("n_apology")
    return (n > 2) | ((n >= 2) & (n * 3 > signal_count("n_agent_turns")))


def flag_bits() -> pl.Expr:
    """The contact's flags as a bit mask, bit i set when ``CONTACT_FLAGS[i]`` applies."""
    conds = (
        pl.col("opportunity") == "needed_missed",
        signal_count("n_empty_understand") >= 2,
        signal_count("n_dismissive") != 0,
        apology_pile(),
        (signal_count("n_pity") != 0)
        | (signal_count("n_agent_distress") != 0)
        | (signal_count("n_co_blaming") != 0),
        signal_count("n_scripted_line") != 0,
        pl.col("routine").fill_null(False),
    )
    return pl.sum_horizontal(
        pl.when(c.fill_null(False)).then(1 << i).otherwise(0) for i, c in enumerate(conds)
    )


def flags_of(bits: int, cache: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    if bits not in cache:
        cache[bits] = tuple(f for i, f in enumerate(CONTACT_FLAGS) if bits >> i & 1)
    return cache[bits]


def agent_counts(table: pl.DataFrame) -> pl.DataFrame:
    """Per-agent counts behind criteria, opportunities, signals and flags."""
    opp = pl.col("opportunity")
    return table.group_by("agent_id").agg(
        n=pl.len(),
        **{f"applied_{c}": pl.col(c).count() for c in CRITERIA},
        shown=(opp == "needed_shown").sum(),
        missed=(opp == "needed_missed").sum(),
        apologies=signal_count("n_apology").sum(),
        piles=apology_pile().sum(),
        und=signal_count("n_empty_understand").sum(),
        und_contacts=(signal_count("n_empty_understand") >= 2).sum(),
        dis=signal_count("n_dismissive").sum(),
        dis_contacts=(signal_count("n_dismissive") != 0).sum(),
        scripted=signal_count("n_scripted_line").sum(),
        scripted_contacts=(signal_count("n_scripted_line") != 0).sum(),
        heavy=(
            signal_count("n_pity") + signal_count("n_agent_distress") + signal_count("n_co_blaming")
        ).sum(),
    )


def signal_counts(k: Mapping[str, Any]) -> tuple[SignalCount, ...]:
    n = max(int(k["n"]), 1)
    apologies, piles = int(k["apologies"]), int(k["piles"])
    und, und_contacts = int(k["und"]), int(k["und_contacts"])
    dis, dis_contacts = int(k["dis"]), int(k["dis_contacts"])
    missed = int(k["missed"])
    opps = missed + int(k["shown"])
    scripted, scripted_contacts = int(k["scripted"]), int(k["scripted_contacts"])
    return (
        SignalCount(
            "apologies",
            "Apologies per contact",
            f"{apologies / n:.1f}",
            f"{apologies} in total, piled up in {piles}",
            piles > 0,
        ),
        SignalCount(
            "broken_record",
            "“I understand” with no follow-up",
            str(und),
            f"repeated in {und_contacts} contact{'s' if und_contacts != 1 else ''}",
            und_contacts > 0,
        ),
        SignalCount(
            "dismissive",
            "Dismissive replies",
            str(dis),
            f"in {dis_contacts} contact{'s' if dis_contacts != 1 else ''}",
            dis > 0,
        ),
        SignalCount(
            "missed_ack",
            "Missed acknowledgements",
            str(missed),
            f"of {opps} upset customer{'s' if opps != 1 else ''}",
            missed > 0,
        ),
        SignalCount(
            "scripted",
            "Scripted lines",
            str(scripted),
            f"in {scripted_contacts} contact{'s' if scripted_contacts != 1 else ''}",
            scripted_contacts >= 2,
        ),
    )


def footnote_text(rubric_version: str, code_version: str) -> str:
    return (
        "How scores are made: rubric checks read each sampled transcript and score every "
        "criterion 0–100 (N/A where it does not apply); a contact's overall is the weighted mean "
        "of its applicable criteria and the week is the mean over sampled contacts, weighted "
        "for how they were drawn, with its 90% range. "
        f"Rubric {rubric_version} · Rapport {code_version}."
    )


def local_time(col: str, tz: str, fmt: str) -> pl.Expr:
    return pl.col(col).dt.convert_time_zone(tz).dt.strftime(fmt).fill_null("")


# Each agent's earlier weeks as trend points, and its latest earlier week (week, overall, range).
Trends = tuple[dict[str, list[TrendPoint]], dict[str, tuple[str, float | None, Interval | None]]]
# The columns of a published score table that trend_history reads.
TREND_COLUMNS = ("week", "agent_id", "state", "weight", "overall", *CRITERIA)


def trend_history(history: pl.DataFrame, week: str) -> Trends:
    hist = scored_rows(history.filter(pl.col("week") < week)) if history.height else history
    trend: dict[str, list[TrendPoint]] = {}
    prev: dict[str, tuple[str, float | None, Interval | None]] = {}
    if not hist.height:
        return trend, prev
    means = agent_means(hist, ["agent_id", "week"]).sort("agent_id", "week")
    spans = agent_intervals(hist, ["agent_id", "week"])
    for r in means.iter_rows(named=True):
        iv = spans[(r["agent_id"], r["week"])]["overall"]
        point = TrendPoint(
            r["week"],
            as_float(r["overall"]),
            {c: as_float(r[c]) for c in CRITERIA},
            None if iv is None else iv.low,
            None if iv is None else iv.high,
        )
        trend.setdefault(r["agent_id"], []).append(point)
        prev[r["agent_id"]] = (r["week"], as_float(r["overall"]), iv)
    return trend, prev


def coaching_pick_rows(table: pl.DataFrame, timezone: str) -> dict[str, tuple[ContactRow, ...]]:
    """Each agent's coaching picks as card rows, in date order, with why they were picked."""
    if "state" not in table.columns:
        return {}
    rows = (
        table.filter(pl.col("state") == PICK_STATE)
        .sort("agent_id", "started_at", "contact_id", nulls_last=True)
        .select(
            "agent_id",
            "contact_id",
            local_time("started_at", timezone, "%a %d %b %H:%M").alias("when"),
            pl.col("channel").fill_null(""),
            *CRITERIA,
            "overall",
            flag_bits().alias("bits"),
            pl.col("sampled_because").str.strip_prefix(PICK_BECAUSE_PREFIX).alias("why"),
        )
    )
    out: dict[str, list[ContactRow]] = {}
    cache: dict[int, tuple[str, ...]] = {}
    n = len(CRITERIA)
    for aid, cid, when, channel, *cells, bits, why in rows.iter_rows():
        crit = dict(zip(CRITERIA, cells[:n], strict=True))
        row = ContactRow(cid, when, channel, crit, cells[n], flags_of(bits, cache), why or "")
        out.setdefault(aid, []).append(row)
    return {aid: tuple(v) for aid, v in out.items()}


def rests_on(contacts: int, upset: int) -> str:
    """What a week's numbers rest on, e.g. ``5 contacts, 1 with an upset customer``."""
    base = f"{contacts} contact{'s' if contacts != 1 else ''}"
    if not upset:
        return f"{base}, none with an upset customer"
    return f"{base}, {upset} with an upset customer"


def typical_width_line(intervals: Sequence[Interval | None], contacts: Sequence[int]) -> str:
    """One line on how sure the week's overall scores are: the median ± at the median sample."""
    halves = sorted(iv.high - iv.low for iv in intervals if iv is not None)
    if not halves:
        return f"Too few contacts per agent to tell how sure the scores are (under {MIN_CONTACTS})."
    typical = statistics.median(halves) / 2
    n = int(statistics.median(contacts)) if contacts else 0
    return (
        f"How sure: with {n} contacts an agent's overall is typically good to ±{typical:.0f} "
        f"points ({LEVEL:.0%} interval); a change or a gap inside that is noise."
    )
