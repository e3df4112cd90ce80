"""Disputed findings: a `disputes.csv` beside a week's outputs, read on every run of the week.

A manager or an agent disputes one finding (week, contact, signal, turn), says who and why,
and the QA lead records a decision: pending, upheld or rejected. A run of the week drops the
upheld findings before the criteria are computed, so scores and cards are recomputed without
them, and the score table keeps every disputed finding with its decision, so nothing is lost.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from typing import Final

import polars as pl

from checks.transcripts.pseudonyms import Pseudonyms
from checks.transcripts.transcript import SIGNALS
from flows.config.settings import Settings
from flows.config.weeks import IsoWeek
from flows.publish.publish import week_prefix
from flows.report.model import WeekReport
from flows.stores.factory import output_store

log = logging.getLogger(__name__)

DISPUTES_FILE: Final = "disputes.csv"
DISPUTE_COLUMNS: Final = ("week", "contact_id", "signal", "turn", "who", "reason", "decision")
DECISIONS: Final = ("pending", "upheld", "rejected")
# One row per upheld finding: what the checks drop before scoring.
REMOVED_SCHEMA: Final = pl.Schema({"contact_id": pl.String, "signal": pl.String, "turn": pl.Int32})


class DisputesError(ValueError):
    """A disputes file that cannot be used; the message names the file, row and problem."""


@dataclass(frozen=True, slots=True)
class Dispute:
    """One disputed finding and its decision."""

    week: str
    contact_id: str
    signal: str
    turn: int
    who: str
    reason: str
    decision: str


def read_disputes(data: bytes, source: str, week: str | None = None) -> list[Dispute]:
    """The disputes of a file (only those of ``week`` when given); DisputesError listing every
    bad row as 'file: row N: problem' (the header is row 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DisputesError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in DISPUTE_COLUMNS if c not in header]
    if missing:
        raise DisputesError(f"{source}: missing column(s) {', '.join(missing)}")
    reader.fieldnames = header
    out: list[Dispute] = []
    problems: list[str] = []
    for number, row in enumerate(reader, 2):
        cells = {k: (row.get(k) or "").strip() for k in DISPUTE_COLUMNS}
        if not any(cells.values()):
            continue
        where = f"{source}: row {number}"
        bad = []
        if not cells["contact_id"]:
            bad.append("contact_id is empty")
        if cells["signal"] not in SIGNALS:
            bad.append(f"signal {cells['signal']!r} is not one of Rapport's signals")
        if not cells["turn"].isdigit():
            bad.append(f"turn {cells['turn']!r} is not a turn number (0, 1, 2, …)")
        decision = cells["decision"].lower() or "pending"
        if decision not in DECISIONS:
            bad.append(f"decision {cells['decision']!r} is not pending, upheld or rejected")
        if bad:
            problems += [f"{where}: {b}" for b in bad]
            continue
        if week is not None and cells["week"] and cells["week"] != week:
            continue
        out.append(
            Dispute(
                week=cells["week"],
                contact_id=cells["contact_id"],
                signal=cells["signal"],
                turn=int(cells["turn"]),
                who=cells["who"],
                reason=cells["reason"],
                decision=decision,
            )
        )
    if problems:
        raise DisputesError("\n".join(problems))
    return out


def upheld_findings(disputes: Sequence[Dispute]) -> pl.DataFrame:
    """The findings to drop before scoring (REMOVED_SCHEMA)."""
    rows = [(d.contact_id, d.signal, d.turn) for d in disputes if d.decision == "upheld"]
    return pl.DataFrame(rows, schema=REMOVED_SCHEMA, orient="row").unique()


def raw_contact_ids(
    removed: pl.DataFrame, names: Pseudonyms, contacts: pl.DataFrame
) -> pl.DataFrame:
    """Upheld findings named as the QA team sees them (published ids: a pseudonym where the
    id carries personal data) turned back into the ids the checks score."""
    if removed.is_empty():
        return removed
    published = {new: raw for raw, new in names.mapping(contacts["contact_id"]).items()}
    return removed.with_columns(pl.col("contact_id").replace(published))


def upheld_per_signal(disputes: Sequence[Dispute]) -> dict[str, int]:
    """Upheld disputes per signal (the team's own count of wrong findings)."""
    counts: dict[str, int] = {}
    for d in disputes:
        if d.decision == "upheld":
            counts[d.signal] = counts.get(d.signal, 0) + 1
    return counts


def dispute_columns(
    table: pl.DataFrame, disputes: Sequence[Dispute], matched: Set[tuple[str, str, int]]
) -> pl.DataFrame:
    """The score table with, per contact, its disputed findings and their decisions
    (``disputes``: 'signal@turn: decision; …') and ``findings_removed``: upheld disputes that
    named a finding the checks made (``matched``), which counted for nothing."""
    per_contact: dict[str, list[Dispute]] = {}
    for d in disputes:
        per_contact.setdefault(d.contact_id, []).append(d)
    ids = table["contact_id"].to_list()
    text = [
        "; ".join(
            f"{d.signal}@{d.turn}: {d.decision}"
            for d in sorted(per_contact.get(c, []), key=lambda d: (d.turn, d.signal))
        )
        or None
        for c in ids
    ]
    removed = [sum(m[0] == c for m in matched) for c in ids]
    return table.with_columns(
        disputes=pl.Series(text, dtype=pl.String),
        findings_removed=pl.Series(removed, dtype=pl.Int32),
    )


@dataclass(frozen=True, slots=True)
class WeekDisputes:
    """A week's disputes, and the file to publish again with the week's outputs."""

    disputes: list[Dispute] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)


def week_disputes(settings: Settings, week: IsoWeek) -> WeekDisputes:
    """The week's disputes.csv from beside its outputs (none when there is no such file); a
    bad file stops the run with every bad row named, rather than publish scores it disputes."""
    store = output_store(settings)
    key = week_prefix(settings.output_prefix, str(week)) + DISPUTES_FILE
    if not any(obj.key == key for obj in store.list(key)):
        return WeekDisputes()
    data = store.get(key)
    disputes = read_disputes(data, store.url(key), week=str(week))
    upheld = sum(d.decision == "upheld" for d in disputes)
    log.info("%s: %d disputes, %d upheld", key, len(disputes), upheld)
    return WeekDisputes(disputes, {DISPUTES_FILE: data})


def apply_disputes(
    findings: pl.DataFrame, disputes: Sequence[Dispute]
) -> tuple[pl.DataFrame, set[tuple[str, str, int]]]:
    """The findings without the upheld ones, and the upheld (contact, signal, turn) that named
    a finding the checks made."""
    upheld = upheld_findings(disputes)
    if not upheld.height:
        return findings, set()
    keys = ["contact_id", "signal", "turn"]
    upheld = upheld.cast({"turn": findings.schema["turn"]})
    hit = findings.select(keys).unique().join(upheld, on=keys, how="semi")
    matched = {(c, s, int(t)) for c, s, t in hit.iter_rows()}
    return findings.join(upheld, on=keys, how="anti", maintain_order="left"), matched


def with_removed_findings(report: WeekReport, table: pl.DataFrame) -> WeekReport:
    """The week's cards with the number of findings removed after review (from the score
    table's findings_removed column)."""
    per_agent = dict(table.group_by("agent_id").agg(pl.col("findings_removed").sum()).iter_rows())
    cards = [
        dataclasses.replace(card, findings_removed=int(per_agent.get(card.agent_id) or 0))
        for card in report.agents
    ]
    return dataclasses.replace(report, agents=cards)
