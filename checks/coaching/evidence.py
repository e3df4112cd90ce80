"""A week's score and finding tables reduced per agent: contact counts and flags, criterion
means, and for each strength and tip the findings behind it and the one to quote."""

from __future__ import annotations

from typing import Final

import polars as pl

from checks.coaching.quotes import Finding
from checks.coaching.week import AgentWeek, Evidence, Reply
from checks.criteria.means import weighted_mean
from checks.transcripts.transcript import CRITERIA

POSITIVE_SIGNALS: Final = (
    "acknowledges_feeling",
    "reflects_problem",
    "takes_ownership",
    "next_step",
    "confirms_resolution",
    "explores",
    "warmth",
)
NEGATIVE_SIGNALS: Final = (
    "dismissive",
    "empty_understand",
    "agent_distress",
    "co_blaming",
    "pity",
    "apology",
    "scripted_line",
)
# Sympathy overload's signals, in the order a tie between them is quoted.
HEAVY_SIGNALS: Final = ("pity", "agent_distress", "co_blaming")
# Per-contact flags of a problem contact that lacked a behaviour, and the count it lacked.
LACKING_COUNTS: Final = {
    "lack_own": "n_takes_ownership",
    "lack_next": "n_next_step",
    "lack_conf": "n_confirms_resolution",
}
# The tip on each lacking behaviour; its evidence is the upset-customer findings of those contacts.
LACKING_TIPS: Final = {
    "no_ownership": "lack_own",
    "no_next_step": "lack_next",
    "no_confirmation": "lack_conf",
}
CONTACT_FLAGS: Final = ("missed", "piled", *LACKING_COUNTS, "cold")
FINDING_COLUMNS: Final = ("contact_id", "turn", "speaker", "start", "end", "text", "turn_text")
AGENT_CONTACT: Final = ["agent_id", "contact_id"]
AGENT_KEY: Final = ["agent_id", "key"]
# Among the findings of the contact to quote: one with its turn's text, the earliest turn, the
# heavier signal, the earliest start, the first listed.
QUOTE_ORDER: Final = ("no_text", "turn", "heavy_rank", "start", "finding_no")
# A contact without an overall sorts midway when picking the quote.
UNSCORED_OVERALL: Final = 50.0


def flag_contacts(scores: pl.DataFrame) -> pl.DataFrame:
    """One row per scored contact: weight, criteria, overall and the coaching flags."""

    def lacks(col: str) -> pl.Expr:
        return pl.col(col).fill_null(0) == 0

    apologies = pl.col("n_apology")
    piled = (apologies > 2) | ((apologies >= 2) & (apologies * 3 > pl.col("n_agent_turns")))
    # weighted like the card's means (sampling weights), so a quoted mean matches the card
    weight = pl.col("weight").fill_null(1.0) if "weight" in scores.columns else pl.lit(1.0)
    problem = pl.col("compassion").is_not_null()
    return scores.select(
        "agent_id",
        "contact_id",
        "overall",
        *CRITERIA,
        weight=weight,
        shown=pl.col("opportunity") == "needed_shown",
        missed=pl.col("opportunity") == "needed_missed",
        problem=problem,
        piled=piled.fill_null(False),
        cold=lacks("n_warmth"),
        **{flag: problem & lacks(col) for flag, col in LACKING_COUNTS.items()},
    )


def week_totals(contacts: pl.DataFrame) -> pl.DataFrame:
    """Per agent: contact counts, weighted criterion means and the contact ids of each flag."""
    weight = pl.col("weight")
    return contacts.group_by("agent_id").agg(
        n=pl.len(),
        shown=pl.col("shown").sum(),
        missed=pl.col("missed").sum(),
        problems=pl.col("problem").sum(),
        **{f"mean_{c}": weighted_mean(c, weight) for c in CRITERIA},
        **{f"ids_{k}": pl.col("contact_id").filter(pl.col(k)).sort() for k in CONTACT_FLAGS},
    )


def _contact_numbers(contacts: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """A number per (agent, contact) in contact-id order, over scored contacts and also those
    with findings but no score (their findings still count)."""
    known = contacts.select(AGENT_CONTACT)
    extra = findings.select(AGENT_CONTACT).join(known, on=AGENT_CONTACT, how="anti").unique()
    return pl.concat([known, extra]).sort("contact_id", "agent_id").with_row_index("contact_no")


def number_findings(
    contacts: pl.DataFrame, findings: pl.DataFrame
) -> tuple[pl.DataFrame, list[str]]:
    """Findings with ``finding_no`` (their row), ``contact_no`` and their contact's flags and
    overall; and the contact ids by number."""
    flags = ("missed", "piled", *LACKING_COUNTS)
    contacts = contacts.unique(AGENT_CONTACT, keep="last", maintain_order=True)
    numbers = _contact_numbers(contacts, findings)
    numbered = (
        findings.select(
            *AGENT_CONTACT,
            "signal",
            "turn",
            "start",
            "end",
            by_agent=pl.col("speaker").is_null() | (pl.col("speaker") == "agent"),
        )
        .with_row_index("finding_no")
        .join(numbers, on=AGENT_CONTACT, how="left")
        .drop("contact_id")
        .join(
            contacts.join(numbers, on=AGENT_CONTACT).select("contact_no", "overall", *flags),
            on="contact_no",
            how="left",
        )
        .with_columns(
            overall_or_mid=pl.col("overall").fill_null(UNSCORED_OVERALL),
            heavy_rank=pl.col("signal").replace_strict(
                {h: i for i, h in enumerate(HEAVY_SIGNALS)}, default=0, return_dtype=pl.Int8
            ),
            **{c: pl.col(c).fill_null(False) for c in flags},
        )
    )
    return numbered, numbers["contact_id"].to_list()


def _tainted(numbered: pl.DataFrame) -> pl.Series:
    """``finding_no`` of positive findings whose words a negative finding also covers (“I'm
    really sorry” as empathy inside an apology pile, warmth inside a stock line): such words
    can back a tip, never a strength."""
    same_turn = ["contact_no", "turn"]
    negative = numbered.filter(pl.col("signal").is_in(NEGATIVE_SIGNALS)).select(
        *same_turn, n_start="start", n_end="end"
    )
    positive = numbered.filter(pl.col("signal").is_in(POSITIVE_SIGNALS)).select(
        "finding_no", *same_turn, "start", "end"
    )
    overlap = (pl.col("start") < pl.col("n_end")) & (pl.col("n_start") < pl.col("end"))
    return positive.join(negative, on=same_turn).filter(overlap)["finding_no"].unique()


def evidence_rows(numbered: pl.DataFrame) -> pl.DataFrame:
    """The findings behind each strength and tip, one copy per ``key``, with ``quote_rank``:
    the lowest ranked is quoted (a strength's best-scored contact, a tip's worst)."""
    signal = pl.col("signal")
    distress = signal == "customer_distress"
    clean = ~pl.col("finding_no").is_in(_tainted(numbered).implode())
    strength, tip = -1.0, 1.0
    parts: list[tuple[str, float, pl.Expr]] = [
        (s, strength, (signal == s) & pl.col("by_agent") & clean) for s in POSITIVE_SIGNALS
    ]
    parts += [
        ("empty_understand", tip, signal == "empty_understand"),
        ("missed_empathy", tip, distress & pl.col("missed")),
        ("dismissive", tip, signal == "dismissive"),
        ("apology", tip, signal == "apology"),
        ("apology_pile", tip, (signal == "apology") & pl.col("piled")),
        ("sympathy_overload", tip, signal.is_in(HEAVY_SIGNALS)),
        ("scripted_line", tip, signal == "scripted_line"),
        *[(key, tip, distress & pl.col(flag)) for key, flag in LACKING_TIPS.items()],
    ]
    return pl.concat(
        [
            numbered.filter(cond).with_columns(
                key=pl.lit(key), quote_rank=pl.col("overall_or_mid") * sign
            )
            for key, sign, cond in parts
        ]
    )


def _finding_columns(
    rows: pl.DataFrame, findings: pl.DataFrame, turns: pl.DataFrame | None
) -> pl.DataFrame:
    """Add the chosen findings' own columns (by ``finding_no``) and their turns' texts."""
    own = findings.select("agent_id", *FINDING_COLUMNS[:-1])[rows["finding_no"]]
    rows = pl.concat([rows.select(pl.exclude(own.columns)), own], how="horizontal")
    return _with_turn_texts(rows, turns)


def _with_turn_texts(rows: pl.DataFrame, turns: pl.DataFrame | None) -> pl.DataFrame:
    """Add ``turn_text`` and ``no_text`` (0 when the finding's turn is in ``turns``)."""
    keys = [*AGENT_CONTACT, "turn"]
    if turns is None or not turns.height:
        return rows.with_columns(turn_text=pl.lit(None, pl.String), no_text=pl.lit(1, pl.Int8))
    wanted = rows.select(keys).unique()
    texts = (
        turns.select(*keys, turn_text=pl.col("text").fill_null(""))
        .cast({"turn": pl.Int32})
        .join(wanted, on=keys, how="semi")
        .unique(keys, keep="last", maintain_order=True)
        .with_columns(no_text=pl.lit(0, pl.Int8))
    )
    return rows.join(texts, on=keys, how="left").with_columns(pl.col("no_text").fill_null(1))


def evidence_per_key(
    rows: pl.DataFrame, findings: pl.DataFrame, turns: pl.DataFrame | None
) -> pl.DataFrame:
    """Per agent and key: finding count, contact numbers and the finding to quote."""
    stats = rows.group_by(AGENT_KEY).agg(
        count=pl.len(),
        contacts=pl.col("contact_no").unique().sort(),
        quote_rank=pl.col("quote_rank").min(),
    )
    # The finding to quote: lowest (quote_rank, contact), then QUOTE_ORDER.
    lowest = stats.select(*AGENT_KEY, "quote_rank")
    best = rows.join(lowest, on=[*AGENT_KEY, "quote_rank"], how="semi")
    best = best.filter(pl.col("contact_no") == pl.col("contact_no").min().over(AGENT_KEY))
    best = (
        _finding_columns(best, findings, turns)
        .sort([*AGENT_KEY, *QUOTE_ORDER], nulls_last=False)
        .unique(AGENT_KEY, keep="first", maintain_order=True)
    )
    return stats.join(best.select(*AGENT_KEY, *FINDING_COLUMNS), on=AGENT_KEY, how="left")


def replies_to_quoted_customers(evidence: pl.DataFrame, turns: pl.DataFrame) -> pl.DataFrame:
    """For each key quoting a customer turn: the agent's next turn in that contact."""
    asked = evidence.filter(pl.col("speaker") == "customer").select(
        *AGENT_KEY, "contact_id", asked=pl.col("turn").cast(pl.Int64)
    )
    agent_turns = turns.filter(pl.col("speaker") == "agent").select(
        *AGENT_CONTACT, pl.col("turn").cast(pl.Int64), pl.col("text").fill_null("")
    )
    return (
        asked.join(agent_turns, on=AGENT_CONTACT)
        .filter(pl.col("turn") > pl.col("asked"))
        .sort("turn")
        .unique(AGENT_KEY, keep="first", maintain_order=True)
    )


def _agent_weeks(totals: pl.DataFrame) -> dict[str, AgentWeek]:
    return {
        r["agent_id"]: AgentWeek(
            n=r["n"],
            shown=r["shown"],
            missed=r["missed"],
            problems=r["problems"],
            means={c: r[f"mean_{c}"] for c in CRITERIA if r[f"mean_{c}"] is not None},
            flagged={k: tuple(r[f"ids_{k}"]) for k in CONTACT_FLAGS},
        )
        for r in totals.iter_rows(named=True)
    }


def _add_evidence(weeks: dict[str, AgentWeek], evidence: pl.DataFrame, ids: list[str]) -> None:
    for r in evidence.iter_rows(named=True):
        quote = Finding(*(r[c] for c in FINDING_COLUMNS)) if r["turn"] is not None else None
        contacts = tuple(ids[no] for no in r["contacts"])
        week = weeks.setdefault(r["agent_id"], AgentWeek())
        week.evidence[r["key"]] = Evidence(r["count"], contacts, quote)


def _add_replies(weeks: dict[str, AgentWeek], replies: pl.DataFrame) -> None:
    for r in replies.iter_rows(named=True):
        if r["agent_id"] in weeks:
            weeks[r["agent_id"]].replies[r["key"]] = Reply(r["contact_id"], r["turn"], r["text"])


def agent_weeks(
    scores: pl.DataFrame, findings: pl.DataFrame, turns: pl.DataFrame | None
) -> dict[str, AgentWeek]:
    """Every agent's week in ``scores`` (and ``findings``), reduced for coaching."""
    contacts = flag_contacts(scores)
    weeks = _agent_weeks(week_totals(contacts))
    numbered, contact_ids = number_findings(contacts, findings)
    evidence = evidence_per_key(evidence_rows(numbered), findings, turns)
    _add_evidence(weeks, evidence, contact_ids)
    if turns is not None and turns.height:
        _add_replies(weeks, replies_to_quoted_customers(evidence, turns))
    return weeks
