"""The data behind the PDFs: one card per agent and a team summary, built from score tables."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

import polars as pl

from checks.coaching.coaching import Coaching, coach_agents
from checks.criteria.intervals import (
    LEVEL,
    MIN_CONTACTS,
    ChangeVerdict,
    Interval,
    change_verdict,
    describe_change,
    interval,
)
from checks.criteria.results import SCORES_SCHEMA
from checks.rubric.rubric import BandsConfig, ReportPolicy
from checks.transcripts.pii import mask_pii_expr
from checks.transcripts.pseudonyms import mask_around_shields
from checks.transcripts.transcript import CRITERIA
from flows.config.weeks import IsoWeek
from flows.report.file_names import scorecard_file_name
from flows.select.coaching_picks import PICK_BECAUSE_PREFIX, PICK_STATE

# The default report policy; a rubric may set its own (its `report` section).
TREND_WEEKS: Final = ReportPolicy().trend_weeks
# Contacts listed on a card: the lowest-scoring ones (each row costs ~1% of a scorecard's
# render time); scores.csv has every contact.
CARD_CONTACT_ROWS: Final = ReportPolicy().card_contact_rows
OVERLOAD_CONTROL_BELOW: Final = float(ReportPolicy().overload_flag_control_below)
# One missed upset customer is a moment to coach, not a pattern to flag a QA lead about.
MISSED_EMPATHY_FLAG_AT: Final = 2

CRITERION_LABELS: Final[Mapping[str, str]] = {
    "empathy": "Empathy",
    "compassion": "Compassion",
    "sympathy_overload": "Sympathy control",
    "hospitality": "Hospitality",
}
CRITERION_HINTS: Final[Mapping[str, str]] = {
    "empathy": "feelings named and the problem played back when the customer is upset",
    "compassion": "ownership, a concrete next step and a check that the fix landed",
    "sympathy_overload": "100 = no apology piles, pity, shared upset or blaming",
    "hospitality": "warm, courteous and efficient in every contact",
}

PUBLISHED_SCORES_SCHEMA: Final = pl.Schema(
    [
        ("week", pl.String()),
        *SCORES_SCHEMA.items(),
        ("agent_name", pl.String()),
        ("team", pl.String()),
        ("started_at", pl.Datetime("us", "UTC")),
        ("channel", pl.String()),
        ("scorecard", pl.String()),  # the file name of the agent's PDF (see file_names)
        # inverse of the contact's chance of being drawn (week means are weighted by it)
        ("weight", pl.Float64()),
        ("sampled_because", pl.String()),
    ]
)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion on a card: the agent's mean, the team median, contacts it applied to."""

    key: str
    label: str
    hint: str
    score: float | None
    team_median: float | None
    applied: int
    interval: Interval | None = None  # None: fewer than MIN_CONTACTS contacts it applied to
    band: str | None = None  # performance band from the rubric

    @property
    def too_few(self) -> bool:
        """Whether the criterion applied to too few contacts to show a number."""
        return self.interval is None


@dataclass(frozen=True, slots=True)
class Opportunities:
    """Empathy opportunity outcomes over the agent's sampled contacts."""

    needed_shown: int
    needed_missed: int
    none: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One week of an agent's trend: overall and per-criterion means."""

    week: str
    overall: float | None
    criteria: Mapping[str, float | None]
    low: float | None = None  # the overall's 90% interval
    high: float | None = None


@dataclass(frozen=True, slots=True)
class SignalCount:
    """A coaching signal count on the card (``flagged`` when it needs attention)."""

    key: str
    label: str
    value: str
    note: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One sampled contact in the card's table."""

    contact_id: str
    date: str
    channel: str
    criteria: Mapping[str, float | None]
    overall: float | None
    flags: tuple[str, ...]
    why: str = ""  # why a coaching pick was picked


@dataclass(frozen=True, slots=True)
class AgentCard:
    """Everything one agent's scorecard shows."""

    agent_id: str
    agent_name: str
    team: str
    week: str
    week_dates: str
    contacts_sampled: int
    rubric_version: str
    code_version: str
    generated_at: datetime
    overall: float | None
    previous_week: str | None
    change: float | None
    team_median: float | None
    criteria: tuple[CriterionScore, ...]
    opportunities: Opportunities
    trend: tuple[TrendPoint, ...]
    coaching: Coaching
    signals: tuple[SignalCount, ...]
    contacts: tuple[ContactRow, ...]  # the lowest-scoring CARD_CONTACT_ROWS, in date order
    footnote: str
    # Sampled contacts not scored for their language (language, contacts): named, never averaged.
    unsupported_languages: tuple[tuple[str, int], ...] = ()
    overall_interval: Interval | None = None
    change_verdict: ChangeVerdict | None = None  # None when there is no earlier week
    change_text: str = ""  # describe_change's wording
    band: str | None = None
    rests_on: str = ""  # what the week rests on, e.g. "5 contacts, 1 with an upset customer"
    # contacts picked for coaching beside the sample: scored, listed apart, never in a mean
    coaching_picks: tuple[ContactRow, ...] = ()
    # Findings upheld in a dispute (disputes.csv) and left out of every score on this card.
    findings_removed: int = 0


@dataclass(frozen=True, slots=True)
class Distribution:
    """One criterion's spread across agents (agent week means)."""

    key: str
    label: str
    values: tuple[float, ...]
    median: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class TeamAgentRow:
    """One agent in the team summary table."""

    agent_id: str
    agent_name: str
    team: str
    contacts: int
    overall: float | None
    change: float | None
    criteria: Mapping[str, float | None]
    flags: tuple[str, ...]
    interval: Interval | None = None
    change_verdict: ChangeVerdict | None = None
    too_few: tuple[str, ...] = ()  # criteria that applied to too few contacts to show


@dataclass(frozen=True, slots=True)
class AgentFlag:
    """An agent flagged for the QA lead, with the reason in numbers."""

    agent_id: str
    agent_name: str
    reason: str
    severity: float


@dataclass(frozen=True, slots=True)
class TeamSummary:
    """The QA lead's page: distributions, agents table, flags and quarantined files."""

    week: str
    week_dates: str
    rubric_version: str
    code_version: str
    generated_at: datetime
    n_agents: int
    n_contacts: int
    median_overall: float | None
    team_medians: tuple[tuple[str, int, float | None], ...]
    distributions: tuple[Distribution, ...]
    agents: tuple[TeamAgentRow, ...]
    overload_flags: tuple[AgentFlag, ...]
    empathy_flags: tuple[AgentFlag, ...]
    quarantined: tuple[tuple[str, str], ...]
    footnote: str
    # Sampled contacts not scored because the rubric has no phrase lists for their language:
    # (language, contacts), most first.
    unsupported_languages: tuple[tuple[str, int], ...] = ()
    width_line: str = ""  # how wide an agent's overall interval typically is this week
    # The one team this summary covers (flows/report/team_scope.py), None for the whole week.
    scope: str | None = None
    # Roster or contact-record files that attributed nothing: (key, reason), PII masked.
    attribution_failures: tuple[tuple[str, str], ...] = ()

    @property
    def n_unsupported_language(self) -> int:
        """How many sampled contacts were not scored for their language."""
        return sum(n for _, n in self.unsupported_languages)


@dataclass(frozen=True, slots=True)
class WeekReport:
    """All cards of a week plus the team summary."""

    week: str
    agents: list[AgentCard]
    team: TeamSummary


def week_bounds(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written ``YYYY-Www``."""
    year, _, num = week.partition("-W")
    monday = date.fromisocalendar(int(year), int(num), 1)
    return monday, date.fromisocalendar(int(year), int(num), 7)


def week_dates_label(week: str) -> str:
    """Human dates of an ISO week, e.g. ``Mon 16 – Sun 22 Nov 2026``."""
    mon, sun = week_bounds(week)
    if mon.month == sun.month:
        return f"Mon {mon.day} – Sun {sun.day} {sun:%b %Y}"
    if mon.year == sun.year:
        return f"Mon {mon.day} {mon:%b} – Sun {sun.day} {sun:%b %Y}"
    return f"Mon {mon.day} {mon:%b %Y} – Sun {sun.day} {sun:%b %Y}"


def published_scores_table(week: str, scores: pl.DataFrame, contacts: pl.DataFrame) -> pl.DataFrame:
    """The week's machine-readable score table (PUBLISHED_SCORES_SCHEMA), PII masked."""
    sampling = [
        pl.col(c) if c in contacts.columns else pl.lit(None, PUBLISHED_SCORES_SCHEMA[c]).alias(c)
        for c in ("weight", "sampled_because")
    ]
    meta = contacts.select(
        "contact_id", "agent_name", "team", "started_at", "channel", *sampling
    ).unique("contact_id", keep="first", maintain_order=True)
    table = (
        scores.cast(dict(SCORES_SCHEMA))  # type: ignore[arg-type]
        .join(meta, on="contact_id", how="left")
        .with_columns(
            pl.lit(week, pl.String).alias("week"),
            # an agent's own name and team stay readable: no stated names or addresses there
            mask_pii_expr("agent_name", names=False).alias("agent_name"),
            mask_pii_expr("team", names=False).alias("team"),
            mask_pii_expr("channel").alias("channel"),
        )
    )
    # coaching picks keep their scores but never count as scored (see scored_rows)
    pick = pl.col("sampled_because").fill_null("").str.starts_with(PICK_BECAUSE_PREFIX)
    table = table.with_columns(
        state=pl.when(pick).then(pl.lit(PICK_STATE)).otherwise(pl.col("state"))
    )
    # only agents with a card (a scored contact): the others' rows name no file
    agents = scored_rows(table)["agent_id"].unique().drop_nulls().to_list()
    files = {agent: scorecard_file_name(agent) for agent in agents}
    table = table.with_columns(
        pl.col("agent_id")
        .replace_strict(files, default=None, return_dtype=pl.String)
        .alias("scorecard")
    )
    return (
        table.select(PUBLISHED_SCORES_SCHEMA.names())
        .cast(
            dict(PUBLISHED_SCORES_SCHEMA)  # type: ignore[arg-type]
        )
        .sort("agent_id", "contact_id")
    )


def scored_rows(table: pl.DataFrame) -> pl.DataFrame:
    """The rows of a published score table that were scored (not those left out for their
    language); tables published before the ``state`` column existed hold scored rows only."""
    if "state" not in table.columns:
        return table
    return table.filter(pl.col("state").fill_null("scored") == "scored")


def _unsupported_languages(
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


def _weight() -> pl.Expr:
    # tables from before weights (and hand-built ones) count every contact alike
    return pl.col("weight").fill_null(1.0)


def _weighted_mean(col: str) -> pl.Expr:
    """Mean of a column weighted by inverse selection probability, N/A rows left out."""
    w = pl.when(pl.col(col).is_not_null()).then(_weight())
    return ((pl.col(col) * w).sum() / w.sum()).alias(col)


def _with_weight(table: pl.DataFrame) -> pl.DataFrame:
    if "weight" in table.columns:
        return table
    return table.with_columns(weight=pl.lit(None, pl.Float64))


def _agent_means(table: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    return (
        _with_weight(table)
        .group_by(by)
        .agg(
            pl.len().alias("n"),
            _weighted_mean("overall"),
            *[_weighted_mean(c) for c in CRITERIA],
        )
    )


def _agent_intervals(
    table: pl.DataFrame, by: Sequence[str]
) -> dict[tuple[Any, ...], dict[str, Interval | None]]:
    """90% intervals of the overall and every criterion per group (weighted like the means)."""
    keys = ("overall", *CRITERIA)
    lists = (
        _with_weight(table)
        .group_by(by)
        .agg(_w=_weight(), **{k: pl.col(k) for k in keys})
        .iter_rows(named=True)
    )
    return {tuple(r[b] for b in by): {k: interval(r[k], r["_w"]) for k in keys} for r in lists}


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _median(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(statistics.median(vals)) if vals else None


_FLAGS: Final = (
    "missed empathy",
    "broken record",
    "dismissive",
    "apology pile",
    "overload",
    "scripted",
    "routine",
)


def _n(col: str) -> pl.Expr:
    return pl.col(col).fill_null(0)


def _apology_pile() -> pl.Expr:
    n = _n("n_apology")
    return (n > 2) | ((n >= 2) & (n * 3 > _n("n_agent_turns")))


def _flag_bits() -> pl.Expr:
    """The contact's flags as a bit mask, bit i set when ``_FLAGS[i]`` applies."""
    conds = (
        pl.col("opportunity") == "needed_missed",
        _n("n_empty_understand") >= 2,
        _n("n_dismissive") != 0,
        _apology_pile(),
        (_n("n_pity") != 0) | (_n("n_agent_distress") != 0) | (_n("n_co_blaming") != 0),
        _n("n_scripted_line") != 0,
        pl.col("routine").fill_null(False),
    )
    return pl.sum_horizontal(
        pl.when(c.fill_null(False)).then(1 << i).otherwise(0) for i, c in enumerate(conds)
    )


def _flags_of(bits: int, cache: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    if bits not in cache:
        cache[bits] = tuple(f for i, f in enumerate(_FLAGS) if bits >> i & 1)
    return cache[bits]


def _agent_counts(table: pl.DataFrame) -> pl.DataFrame:
    """Per-agent counts behind criteria, opportunities, signals and flags."""
    opp = pl.col("opportunity")
    return table.group_by("agent_id").agg(
        n=pl.len(),
        **{f"applied_{c}": pl.col(c).count() for c in CRITERIA},
        shown=(opp == "needed_shown").sum(),
        missed=(opp == "needed_missed").sum(),
        apologies=_n("n_apology").sum(),
        piles=_apology_pile().sum(),
        und=_n("n_empty_understand").sum(),
        und_contacts=(_n("n_empty_understand") >= 2).sum(),
        dis=_n("n_dismissive").sum(),
        dis_contacts=(_n("n_dismissive") != 0).sum(),
        scripted=_n("n_scripted_line").sum(),
        scripted_contacts=(_n("n_scripted_line") != 0).sum(),
        heavy=(_n("n_pity") + _n("n_agent_distress") + _n("n_co_blaming")).sum(),
    )


def _signals(k: Mapping[str, Any]) -> tuple[SignalCount, ...]:
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


def _footnote(rubric_version: str, code_version: str) -> str:
    return (
        "How scores are made: rubric checks read each sampled transcript and score every "
        "criterion 0–100 (N/A where it does not apply); a contact's overall is the weighted mean "
        "of its applicable criteria and the week is the mean over sampled contacts, weighted "
        "for how they were drawn, with its 90% range. "
        f"Rubric {rubric_version} · Rapport {code_version}."
    )


def _local(col: str, tz: str, fmt: str) -> pl.Expr:
    return pl.col(col).dt.convert_time_zone(tz).dt.strftime(fmt).fill_null("")


def _history(
    history: pl.DataFrame, week: str
) -> tuple[dict[str, list[TrendPoint]], dict[str, tuple[str, float | None, Interval | None]]]:
    hist = scored_rows(history.filter(pl.col("week") < week)) if history.height else history
    trend: dict[str, list[TrendPoint]] = {}
    prev: dict[str, tuple[str, float | None, Interval | None]] = {}
    if not hist.height:
        return trend, prev
    means = _agent_means(hist, ["agent_id", "week"]).sort("agent_id", "week")
    spans = _agent_intervals(hist, ["agent_id", "week"])
    for r in means.iter_rows(named=True):
        iv = spans[(r["agent_id"], r["week"])]["overall"]
        point = TrendPoint(
            r["week"],
            _f(r["overall"]),
            {c: _f(r[c]) for c in CRITERIA},
            None if iv is None else iv.low,
            None if iv is None else iv.high,
        )
        trend.setdefault(r["agent_id"], []).append(point)
        prev[r["agent_id"]] = (r["week"], _f(r["overall"]), iv)
    return trend, prev


def _coaching_pick_rows(table: pl.DataFrame, timezone: str) -> dict[str, tuple[ContactRow, ...]]:
    """Each agent's coaching picks as card rows, in date order, with why they were picked."""
    if "state" not in table.columns:
        return {}
    rows = (
        table.filter(pl.col("state") == PICK_STATE)
        .sort("agent_id", "started_at", "contact_id", nulls_last=True)
        .select(
            "agent_id",
            "contact_id",
            _local("started_at", timezone, "%a %d %b %H:%M").alias("when"),
            pl.col("channel").fill_null(""),
            *CRITERIA,
            "overall",
            _flag_bits().alias("bits"),
            pl.col("sampled_because").str.strip_prefix(PICK_BECAUSE_PREFIX).alias("why"),
        )
    )
    out: dict[str, list[ContactRow]] = {}
    cache: dict[int, tuple[str, ...]] = {}
    n = len(CRITERIA)
    for aid, cid, when, channel, *cells, bits, why in rows.iter_rows():
        crit = dict(zip(CRITERIA, cells[:n], strict=True))
        row = ContactRow(cid, when, channel, crit, cells[n], _flags_of(bits, cache), why or "")
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


def build_week_report(
    *,
    week: str,
    table: pl.DataFrame,
    findings: pl.DataFrame,
    history: pl.DataFrame,
    quarantined: Sequence[tuple[str, str]],
    rubric_version: str,
    code_version: str,
    timezone: str = "UTC",
    turns: pl.DataFrame | None = None,
    generated_at: datetime | None = None,
    bands: BandsConfig | None = None,
    policy: ReportPolicy | None = None,
    attribution_failures: Sequence[tuple[str, str]] = (),
) -> WeekReport:
    """Build every agent card and the team summary for one ISO week from its published score
    table (published_scores_table), so the PDFs and scores.csv show the same numbers. Contacts
    not scored for their language are counted on the team summary and nowhere else."""
    # Not the clock: the same inputs must give byte-identical PDFs on a rerun (the PDF's
    # creation date comes from this), so by default a week's files are dated by its end.
    generated = generated_at or IsoWeek.parse(week).bounds(timezone)[1].astimezone(UTC)
    policy = policy or ReportPolicy()
    unsupported, unsupported_by_agent = _unsupported_languages(table)
    picks = _coaching_pick_rows(table, timezone)
    table = scored_rows(table)
    # a coaching pick's findings must not feed the coaching counts of the sample
    findings = findings.join(table.select("contact_id"), on="contact_id", how="semi")
    bands = bands or BandsConfig()
    spans = _agent_intervals(table, ["agent_id"])
    dates_label = week_dates_label(week)
    now_means = {r["agent_id"]: r for r in _agent_means(table, ["agent_id"]).iter_rows(named=True)}
    counts = {r["agent_id"]: r for r in _agent_counts(table).iter_rows(named=True)}
    names: dict[str, str] = {}
    teams: dict[str, str] = {}
    firsts = table.group_by("agent_id", maintain_order=True).agg(
        pl.col("agent_name").first(), pl.col("team").first()
    )
    for aid, name, team in firsts.iter_rows():
        names[aid] = name or aid
        teams[aid] = team or "Unassigned"
    trend_hist, prev = _history(history, week)

    by_team: dict[str, list[str]] = {}
    for aid in sorted(now_means):
        by_team.setdefault(teams[aid], []).append(aid)
    team_median: dict[str, dict[str, float | None]] = {
        team: {
            key: _median([_f(now_means[a][key]) for a in aids]) for key in ("overall", *CRITERIA)
        }
        for team, aids in by_team.items()
    }

    rows = table.sort("agent_id", "started_at", "contact_id", nulls_last=True).select(
        "agent_id",
        "contact_id",
        _local("started_at", timezone, "%a %d %b %H:%M").alias("when"),
        _local("started_at", timezone, "%a %d %b").alias("day"),
        pl.col("channel").fill_null(""),
        *CRITERIA,
        "overall",
        _flag_bits().alias("bits"),
    )
    cdates = dict(zip(rows["contact_id"].to_list(), rows["day"].to_list(), strict=True))
    coaching = coach_agents(
        _with_weight(table).select(*SCORES_SCHEMA.names(), "weight"),
        findings,
        turns=turns,
        contact_dates=cdates,
        strength_floor=bands.meets_from,
    )
    flag_cache: dict[int, tuple[str, ...]] = {}
    contact_rows: dict[str, list[ContactRow]] = {}
    n_crit = len(CRITERIA)
    # Lowest overall first (ties and missing scores in date order), then back in date order.
    lowest = pl.col("overall").fill_null(float("inf")).rank("ordinal").over("agent_id")
    listed = rows.filter(lowest <= policy.card_contact_rows)
    for aid, cid, when, _, channel, *cells, bits in listed.iter_rows():
        contact_rows.setdefault(aid, []).append(
            ContactRow(
                cid,
                when,
                channel,
                dict(zip(CRITERIA, cells[:n_crit], strict=True)),
                cells[n_crit],
                _flags_of(bits, flag_cache),
            )
        )
    footnote = _footnote(rubric_version, code_version)

    cards: list[AgentCard] = []
    team_rows: list[TeamAgentRow] = []
    overload_flags: list[AgentFlag] = []
    empathy_flags: list[AgentFlag] = []
    for aid in sorted(now_means, key=lambda a: (names[a].lower(), a)):
        m, k = now_means[aid], counts[aid]
        n_rows = int(k["n"])
        overall = _f(m["overall"])
        prev_week, prev_overall, prev_iv = prev.get(aid, (None, None, None))
        change = None if overall is None or prev_overall is None else overall - prev_overall
        ivs = spans[(aid,)]
        verdict = None if change is None else change_verdict(ivs["overall"], prev_iv)
        tmed = team_median[teams[aid]]
        criteria = tuple(
            CriterionScore(
                c,
                CRITERION_LABELS[c],
                CRITERION_HINTS[c],
                _f(m[c]),
                tmed[c],
                k[f"applied_{c}"],
                ivs[c],
                bands.band(_f(m[c])) if ivs[c] is not None else None,
            )
            for c in CRITERIA
        )
        opp = Opportunities(k["shown"], k["missed"], n_rows - k["shown"] - k["missed"])
        oiv = ivs["overall"]
        now_point = TrendPoint(
            week,
            overall,
            {c: _f(m[c]) for c in CRITERIA},
            None if oiv is None else oiv.low,
            None if oiv is None else oiv.high,
        )
        trend = (*trend_hist.get(aid, [])[-(policy.trend_weeks - 1) :], now_point)
        cards.append(
            AgentCard(
                agent_id=aid,
                agent_name=names[aid],
                team=teams[aid],
                week=week,
                week_dates=dates_label,
                contacts_sampled=n_rows,
                rubric_version=rubric_version,
                code_version=code_version,
                generated_at=generated,
                overall=overall,
                previous_week=prev_week,
                change=change,
                team_median=tmed["overall"],
                criteria=criteria,
                opportunities=opp,
                trend=trend,
                coaching=coaching[aid],
                signals=_signals(k),
                contacts=tuple(contact_rows.get(aid, ())),
                footnote=footnote,
                unsupported_languages=unsupported_by_agent.get(aid, ()),
                overall_interval=oiv,
                change_verdict=verdict,
                change_text=(
                    "first week on file"
                    if change is None
                    else describe_change(oiv, prev_iv, had_previous=True)
                ),
                band=bands.band(overall),
                rests_on=rests_on(n_rows, int(k["shown"]) + int(k["missed"])),
                coaching_picks=picks.get(aid, ()),
            )
        )
        flags = []
        control = _f(m["sympathy_overload"])
        piles, heavy = int(k["piles"]), int(k["heavy"])
        # Flag only on evidence: the whole interval below the line, or the behaviour seen in
        # at least two contacts; a mean below the line from a few contacts is not enough.
        civ = ivs["sympathy_overload"]
        below = civ is not None and civ.high < policy.overload_flag_control_below
        if below or piles + heavy >= policy.overload_flag_incidents:
            flags.append("sympathy overload")
            ctl = "N/A" if control is None else f"{control:.0f}"
            overload_flags.append(
                AgentFlag(
                    aid,
                    names[aid],
                    f"control {ctl}; apology piles in {piles} of {n_rows} contacts; "
                    f"pity, own upset or blaming {heavy}×",
                    (100.0 - (control if control is not None else 100.0)) + 10.0 * (piles + heavy),
                )
            )
        opps = opp.needed_shown + opp.needed_missed
        if opp.needed_missed >= MISSED_EMPATHY_FLAG_AT and opp.needed_missed >= opp.needed_shown:
            flags.append("missed empathy")
            empathy_flags.append(
                AgentFlag(
                    aid,
                    names[aid],
                    f"missed {opp.needed_missed} of {opps} empathy opportunities",
                    opp.needed_missed + opp.needed_missed / max(opps, 1),
                )
            )
        team_rows.append(
            TeamAgentRow(
                aid,
                names[aid],
                teams[aid],
                n_rows,
                overall,
                change,
                # a criterion on too few contacts shows no number here either (as on the card)
                {c: None if ivs[c] is None else _f(m[c]) for c in CRITERIA},
                tuple(flags),
                oiv,
                verdict,
                tuple(c for c in CRITERIA if ivs[c] is None and m[c] is not None),
            )
        )

    team_rows.sort(key=lambda r: (-(r.overall if r.overall is not None else -1.0), r.agent_id))
    distributions = []
    for c in CRITERIA:
        vals = tuple(v for v in (r.criteria[c] for r in team_rows) if v is not None)
        distributions.append(
            Distribution(
                c,
                CRITERION_LABELS[c],
                vals,
                _median(list(vals)),
                min(vals) if vals else None,
                max(vals) if vals else None,
            )
        )
    summary = TeamSummary(
        week=week,
        week_dates=dates_label,
        rubric_version=rubric_version,
        code_version=code_version,
        generated_at=generated,
        n_agents=len(team_rows),
        n_contacts=table.height,
        median_overall=_median([r.overall for r in team_rows]),
        team_medians=tuple(
            (team, len(aids), team_median[team]["overall"])
            for team, aids in sorted(by_team.items())
        ),
        distributions=tuple(distributions),
        agents=tuple(team_rows),
        overload_flags=tuple(sorted(overload_flags, key=lambda f: (-f.severity, f.agent_id))),
        empathy_flags=tuple(sorted(empathy_flags, key=lambda f: (-f.severity, f.agent_id))),
        # reasons may name keys: masked as ids are, so plain keys stay readable
        quarantined=tuple((k, mask_around_shields(r)) for k, r in quarantined),
        footnote=footnote,
        unsupported_languages=unsupported,
        width_line=typical_width_line(
            [r.interval for r in team_rows], [r.contacts for r in team_rows]
        ),
        attribution_failures=tuple((k, mask_around_shields(r)) for k, r in attribution_failures),
    )
    return WeekReport(week=week, agents=cards, team=summary)
