"""Where every listed contact ends: scored, not scored for its language, not sampled,
duplicate, unattributed, outside the week, or quarantined (with a reason). Nothing is silently
dropped."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import polars as pl

from flows.ingest.formats import Quarantine
from flows.select.sampling import SamplePolicy, sample_per_agent

STATES: Final = (
    "scored",
    "unsupported_language",  # sampled, but in a language the rubric has no phrase lists for
    "not_sampled",
    "coaching_pick",  # not in the sample, scored for coaching only (never in a mean)
    "duplicate",
    "unattributed",
    "outside_week",
    "quarantined",
)
NOT_FETCHED: Final = "not drawn; its file was not fetched (sample-first)"
LEDGER_SCHEMA: Final = pl.Schema(
    {
        "key": pl.String,
        "contact_id": pl.String,
        "agent_id": pl.String,
        "state": pl.String,
        "reason": pl.String,
    }
)


@dataclass(frozen=True, slots=True)
class WeekSelection:
    """The ledger of the week and the contact ids chosen for scoring."""

    ledger: pl.DataFrame
    # contact rows (CONTACTS_SCHEMA) chosen for scoring, plus weight and sampled_because
    sampled: pl.DataFrame
    picks: pl.DataFrame | None = None  # coaching picks (same columns), scored apart

    @property
    def to_score(self) -> pl.DataFrame:
        """The sample and the coaching picks: every contact to score."""
        if self.picks is None or self.picks.is_empty():
            return self.sampled
        return pl.concat([self.sampled, self.picks], how="vertical_relaxed")


def within(column: str, start: datetime, end: datetime) -> pl.Expr:
    """Rows whose instant lies in [start, end), whatever zones the bounds and the column carry."""
    # polars refuses to compare datetimes of two zones (SchemaError): compare instants in UTC.
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("week bounds must carry a time zone")
    at = pl.col(column).dt.convert_time_zone("UTC")
    return (at >= pl.lit(start.astimezone(UTC))) & (at < pl.lit(end.astimezone(UTC)))


def _redacted(key: pl.Expr) -> pl.Expr:
    return key.str.contains("(?i)/redacted/|_redacted")


@dataclass(frozen=True, slots=True)
class Eligible:
    """The week's read contacts split by what sampling may do with them."""

    keep: pl.DataFrame  # one row per contact id, in the week, attributed: the sampling frame
    duplicates: pl.DataFrame  # other copies of a kept contact id
    outside: pl.DataFrame  # started outside the week
    unattributed: pl.DataFrame  # in the week, but no agent found


def eligible_contacts(contacts: pl.DataFrame, start: datetime, end: datetime) -> Eligible:
    """Dedupe, then set apart contacts outside the week or without an agent.

    Duplicate rule: of several files holding one contact id, keep the redacted one, then the
    one with the greatest key (Contact Lens keys end with the analysis time, so the newest).
    """
    ranked = contacts.with_columns(_redacted(pl.col("source_key")).alias("_red")).sort(
        ["contact_id", "_red", "source_key"], descending=[False, True, True]
    )
    first = pl.col("contact_id").cum_count().over("contact_id") == 1
    keep = ranked.filter(first).drop("_red")
    in_week = within("started_at", start, end)
    attributed = pl.col("agent_id").is_not_null()
    return Eligible(
        keep=keep.filter(in_week & attributed),
        duplicates=ranked.filter(~first).drop("_red"),
        outside=keep.filter(~in_week),
        unattributed=keep.filter(in_week & ~attributed),
    )


def select_week(
    contacts: pl.DataFrame,
    quarantined: Sequence[Quarantine],
    *,
    week: str,
    start: datetime,
    end: datetime,
    sample_size: int | None,
    duplicate_keys: Mapping[str, str] | None = None,
    policy: SamplePolicy = "random",
    distressed: Callable[[pl.DataFrame], pl.Series] | None = None,
    screen: int | None = None,
    unread: pl.DataFrame | None = None,
) -> WeekSelection:
    """Dedupe, drop contacts outside the week or without agent, sample, and record each state.

    `start` and `end` are instants in any zone (IsoWeek.bounds of the configured zone).
    ``unread`` (key, contact_id, agent_id) are listed contacts whose files a sample-first run
    never fetched: they count in their agent's week like any other contact, and the caller
    guarantees none of them ranks high enough to be screened or drawn (flows/select/
    sample_first.py fetches those); they end as not_sampled.
    """
    split = eligible_contacts(contacts, start, end)
    keep = split.keep
    frame = keep
    if unread is not None and not unread.is_empty():
        fresh = unread.join(keep.select("contact_id"), on="contact_id", how="anti")
        frame = pl.concat(
            [keep, fresh.select(pl.col("key").alias("source_key"), "contact_id", "agent_id")],
            how="diagonal_relaxed",
        )
    sampled = sample_per_agent(
        frame, week, sample_size, policy=policy, distressed=distressed, screen=screen
    )
    if unread is not None and not unread.is_empty():
        drawn_unread = sampled.join(keep.select("contact_id"), on="contact_id", how="anti")
        if not drawn_unread.is_empty():
            raise RuntimeError(
                f"{drawn_unread.height} contacts were drawn without being read "
                f"(e.g. {drawn_unread['source_key'][0]}): the sample-first fetch stopped early"
            )
    not_sampled = keep.join(sampled.select("contact_id"), on="contact_id", how="anti")

    def rows(frame: pl.DataFrame, state: str, reason: str | None) -> pl.DataFrame:
        return frame.select(
            pl.col("source_key").alias("key"),
            "contact_id",
            "agent_id",
            pl.lit(state).alias("state"),
            pl.lit(reason, dtype=pl.String).alias("reason"),
        )

    dup_keys = dict(duplicate_keys or {})
    key_dupes = pl.DataFrame(
        {
            "key": list(dup_keys),
            "contact_id": [None] * len(dup_keys),
            "agent_id": [None] * len(dup_keys),
            "state": ["duplicate"] * len(dup_keys),
            "reason": [f"another file holds this contact: {kept}" for kept in dup_keys.values()],
        },
        schema=LEDGER_SCHEMA,
    )
    q_rows = pl.DataFrame(
        {
            "key": [q.key for q in quarantined],
            "contact_id": [None] * len(quarantined),
            "agent_id": [None] * len(quarantined),
            "state": ["quarantined"] * len(quarantined),
            "reason": [q.reason for q in quarantined],
        },
        schema=LEDGER_SCHEMA,
    )
    never_read = (
        pl.DataFrame(schema=LEDGER_SCHEMA)
        if unread is None
        else unread.select(
            "key",
            "contact_id",
            "agent_id",
            state=pl.lit("not_sampled"),
            reason=pl.lit(NOT_FETCHED),
        )
    )
    ledger = pl.concat(
        [
            rows(sampled, "scored", None),
            rows(not_sampled, "not_sampled", None),
            never_read,
            rows(split.duplicates, "duplicate", "same contact id in another file (kept that one)"),
            rows(split.unattributed, "unattributed", "no agent found for this contact"),
            rows(split.outside, "outside_week", "started outside the week in the configured zone"),
            key_dupes,
            q_rows,
        ]
    ).sort("state", "key", "contact_id")
    return WeekSelection(ledger=ledger, sampled=sampled)


def sampled_turns(
    contacts: pl.DataFrame, turns: pl.DataFrame, sampled: pl.DataFrame
) -> pl.DataFrame:
    """The sampled contacts' turns, each from the one file the ledger kept for that contact."""
    if contacts["contact_id"].n_unique() == contacts.height:
        if sampled.height == contacts.height:
            return turns  # every contact sampled: no copy of the week's turns
        return turns.join(sampled.select("contact_id"), on="contact_id", how="semi")
    # One contact id in several files: each copy's turns restart at 0, and copies come in the
    # same order in both frames (the loader builds them together), so copy k is occurrence k.
    copies = contacts.select(
        "contact_id", "source_key", copy=pl.int_range(pl.len()).over("contact_id")
    )
    keep = (
        sampled.select("contact_id", "source_key")
        .join(copies, on=["contact_id", "source_key"])
        .unique("contact_id", keep="first", maintain_order=True)  # twice in one file: the first
    )
    numbered = turns.with_columns(
        _copy=(pl.col("turn") == 0).cast(pl.Int64).cum_sum().over("contact_id") - 1
    )
    return numbered.join(
        keep.select("contact_id", _copy="copy"), on=["contact_id", "_copy"], how="semi"
    ).drop("_copy")


def mark_unsupported_language(selection: WeekSelection, scores: pl.DataFrame) -> WeekSelection:
    """Move sampled contacts the checks did not score for their language (score rows in state
    ``unsupported_language``) from ``scored`` to ``unsupported_language``, naming the language."""
    skipped = scores.filter(pl.col("state") == "unsupported_language").select(
        "contact_id", "language"
    )
    if skipped.is_empty():
        return selection
    hit = (pl.col("state") == "scored") & pl.col("language").is_not_null()
    ledger = (
        selection.ledger.join(skipped, on="contact_id", how="left", maintain_order="left")
        .with_columns(
            state=pl.when(hit).then(pl.lit("unsupported_language")).otherwise("state"),
            reason=pl.when(hit)
            .then(pl.format("language {} is not one the rubric has phrase lists for", "language"))
            .otherwise("reason"),
        )
        .select(LEDGER_SCHEMA.names())
        .sort("state", "key", "contact_id")
    )
    return WeekSelection(ledger=ledger, sampled=selection.sampled, picks=selection.picks)
