"""Calibration against the QA team's own graders: draw a grading set, read graded sheets back,
and measure how often Rapport agrees with each grader and the graders with each other.

Graders read contacts on the 0-2 scale of the cs-dev guidelines (0 none, 1 some, 2 clear;
blank when the criterion does not apply) and say yes or no per signal. Rapport's 0-100
criterion scores are put on the same scale by the cut points in ``LEVEL_CUTS``; its signal
reading is yes when the contact has a finding of that signal. Sympathy-overload control reads
the same way round as Rapport's score: 2 means no overload.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from checks.calibration.agreement import Agreement, Value, agreement
from checks.rubric.rubric import CRITERION_SIGNALS
from checks.transcripts.pii import mask_pii
from checks.transcripts.transcript import CRITERIA, Contact
from flows.evaluate.cs_dev import LABELLED

SHEET_FILE: Final = "calibration-sheet.csv"
PACKET_FILE: Final = "calibration-packet.pdf"
READINGS_FILE: Final = "rapport-readings.json"
REPORT_FILE: Final = "calibration-report.pdf"
TABLE_FILE: Final = "calibration.csv"

RAPPORT: Final = "Rapport"
LEVELS: Final = (0, 1, 2)
YES_NO: Final = (0, 1)
# A 0-100 score at or above the first cut reads as level 1, at or above the second as level 2.
LEVEL_CUTS: Final = (40.0, 70.0)
SIGNALS: Final = LABELLED  # the signals graders read per contact, as `rapport eval` labels them
ITEMS: Final = (*CRITERIA, *SIGNALS)
SHEET_COLUMNS: Final = ("week", "contact_id", "agent_id", "grader", *CRITERIA, *SIGNALS, "notes")
REQUIRED_COLUMNS: Final = ("contact_id", "grader", *CRITERIA, *SIGNALS)
NOT_APPLICABLE: Final = frozenset({"", "n/a", "na", "-"})
YES: Final = frozenset({"yes", "y", "true", "1"})
NO: Final = frozenset({"no", "n", "false", "0"})
MOST_DISAGREEING: Final = 5
QUOTES_PER_ITEM: Final = 2


class CalibrationError(ValueError):
    """Sheets or readings that cannot be used; the message names every file, row and problem."""


def level_of(score: float | None, cuts: Sequence[float] = LEVEL_CUTS) -> int | None:
    """A 0-100 criterion score on the graders' 0-2 scale (None stays N/A)."""
    if score is None:
        return None
    return sum(score >= cut for cut in cuts)


# ---------------------------------------------------------------------------------------------
# drawing the set


def _seeded(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def draw_contacts(rows: Iterable[Mapping[str, Any]], week: str, size: int) -> list[str]:
    """A reproducible calibration set of ``size`` scored contacts: agents taken in turn (in an
    order seeded by the week), each giving a contact with an empathy opportunity and one
    without alternately, so the set spreads across agents and across both kinds of contact."""
    if size < 1:
        raise ValueError(f"the calibration set needs at least one contact, not {size}")
    by_agent: dict[str, tuple[list[str], list[str]]] = {}
    for row in rows:
        if row.get("state", "scored") != "scored":
            continue
        needed = row.get("opportunity") in ("needed_shown", "needed_missed")
        pools = by_agent.setdefault(str(row["agent_id"]), ([], []))
        pools[0 if needed else 1].append(str(row["contact_id"]))
    queues: dict[str, list[str]] = {}
    for agent, (with_opp, without) in by_agent.items():
        rng = _seeded(week, agent)
        with_opp, without = sorted(with_opp), sorted(without)
        rng.shuffle(with_opp)
        rng.shuffle(without)
        # alternate kinds, opportunity first; the longer pool fills the tail
        queue: list[str] = []
        while with_opp or without:
            for pool in (with_opp, without):
                if pool:
                    queue.append(pool.pop())
        queues[agent] = queue
    agents = sorted(queues)
    _seeded(week, "agents").shuffle(agents)
    drawn: list[str] = []
    while len(drawn) < size and any(queues[a] for a in agents):
        for agent in agents:
            if queues[agent] and len(drawn) < size:
                drawn.append(queues[agent].pop(0))
    return drawn


def sheet_csv(week: str, contacts: Sequence[tuple[str, str]], graders: Sequence[str]) -> bytes:
    """The blank grading sheet: one row per contact (id, agent) and grader (one row per contact
    with the grader left blank when no graders are named)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for grader in graders or [""]:
        for contact_id, agent_id in contacts:
            blanks = [""] * (len(CRITERIA) + len(SIGNALS) + 1)
            writer.writerow([week, contact_id, agent_id, grader, *blanks])
    return buf.getvalue().encode("utf-8")


@dataclass(frozen=True, slots=True)
class PacketTurn:
    """One numbered turn of a packet transcript (PII masked)."""

    number: int
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class PacketContact:
    """One contact as graders read it: no score, no finding."""

    position: int
    contact_id: str
    agent_id: str
    channel: str
    started: str
    turns: tuple[PacketTurn, ...]


def packet_contacts(contacts: Sequence[Contact], agents: Mapping[str, str]) -> list[PacketContact]:
    """The drawn contacts as the packet shows them, turns numbered as findings and disputes
    number them (from 0), personal data masked."""
    out = []
    for position, c in enumerate(contacts, 1):
        out.append(
            PacketContact(
                position=position,
                contact_id=c.contact_id,
                agent_id=agents.get(c.contact_id) or c.agent_id or "",
                channel=c.channel or "",
                started=c.started_at.strftime("%a %d %b %Y %H:%M UTC") if c.started_at else "",
                turns=tuple(
                    PacketTurn(i, t.speaker, mask_pii(t.text)) for i, t in enumerate(c.turns)
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Rapport's own reading


@dataclass(frozen=True, slots=True)
class Reading:
    """Rapport's reading of one contact: levels, signals, and the quotes behind them."""

    agent_id: str
    scores: dict[str, float | None]
    levels: dict[str, int | None]
    signals: dict[str, bool]
    quotes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def value(self, item: str) -> int | None:
        """The reading of one criterion (0-2 or None) or signal (1 yes, 0 no)."""
        if item in self.levels:
            return self.levels[item]
        return int(self.signals.get(item, False))


def readings_from_results(
    results: Iterable[Mapping[str, Any]],
    published: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Reading]:
    """Readings from ``rapport score --json`` objects; where a published score row is given
    (scores.parquet, by contact id) its criteria and signal counts are the ones cards showed."""
    out: dict[str, Reading] = {}
    for r in results:
        if r.get("state") != "scored":
            continue
        cid = str(r["contact_id"])
        row = (published or {}).get(cid)
        if row is not None:
            scores = {c: row.get(c) for c in CRITERIA}
            signals = {s: bool(row.get(f"n_{s}") or 0) for s in SIGNALS}
        else:
            scores = {c: (r["criteria"].get(c) or {}).get("score") for c in CRITERIA}
            found = {str(f["signal"]) for f in r.get("findings", [])}
            signals = {s: s in found for s in SIGNALS}
        quotes: dict[str, list[tuple[int, str]]] = {}
        for f in r.get("findings", []):
            quotes.setdefault(str(f["signal"]), []).append((int(f["turn"]), mask_pii(f["text"])))
        out[cid] = Reading(
            agent_id=str(r.get("agent_id") or (row or {}).get("agent_id") or ""),
            scores=scores,
            levels={c: level_of(scores[c]) for c in CRITERIA},
            signals=signals,
            quotes=quotes,
        )
    return out


def readings_json(week: str, rubric: Mapping[str, str], readings: Mapping[str, Reading]) -> bytes:
    """The readings file kept beside the sheet (never handed to graders)."""
    doc = {
        "week": week,
        "rubric": dict(rubric),
        "level_cuts": list(LEVEL_CUTS),
        "contacts": {cid: asdict(r) for cid, r in sorted(readings.items())},
    }
    return json.dumps(doc, indent=1, ensure_ascii=False).encode("utf-8")


def load_readings(path: Path) -> tuple[str, dict[str, Reading]]:
    """The week and readings of a readings file; CalibrationError naming the file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        readings = {
            cid: Reading(
                agent_id=r["agent_id"],
                scores=r["scores"],
                levels=r["levels"],
                signals=r["signals"],
                quotes={s: [(int(t), str(q)) for t, q in qs] for s, qs in r["quotes"].items()},
            )
            for cid, r in doc["contacts"].items()
        }
        return str(doc["week"]), readings
    except OSError as exc:
        raise CalibrationError(
            f"{path}: cannot read Rapport's readings ({exc.strerror or exc}); it is written "
            f"by `rapport calibrate draw` as {READINGS_FILE} beside the sheet"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CalibrationError(f"{path}: not a readings file written by Rapport ({exc})") from None


# ---------------------------------------------------------------------------------------------
# graded sheets


@dataclass(frozen=True, slots=True)
class Grade:
    """One grader's reading of one contact (None where left blank: N/A or not read)."""

    contact_id: str
    grader: str
    values: dict[str, int | None]


def _cell(item: str, raw: str) -> int | None:
    text = raw.strip().lower()
    if text in NOT_APPLICABLE:
        return None
    if item in CRITERIA:
        if text in ("0", "1", "2"):
            return int(text)
        raise ValueError(f"{item}: {raw.strip()!r} is not 0, 1, 2 or blank (does not apply)")
    if text in YES:
        return 1
    if text in NO:
        return 0
    raise ValueError(f"{item}: {raw.strip()!r} is not yes, no or blank")


def read_sheets(paths: Sequence[Path], known: Mapping[str, Reading]) -> list[Grade]:
    """Every graded row of the sheets; CalibrationError listing each problem as 'file: row N:
    problem' (rows numbered as a spreadsheet numbers them, the header being row 1)."""
    problems: list[str] = []
    grades: list[Grade] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            problems.append(f"{path}: cannot read ({exc.strerror or exc})")
            continue
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8")
            continue
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            problems.append(f"{path}: missing column(s) {', '.join(missing)}")
            continue
        reader.fieldnames = header
        for number, row in enumerate(reader, 2):
            cid = (row.get("contact_id") or "").strip()
            if not cid and not any((v or "").strip() for v in row.values()):
                continue  # an empty line at the end of a sheet
            where = f"{path}: row {number}"
            if cid not in known:
                problems.append(f"{where}: unknown contact id {cid!r} (not in the drawn set)")
                continue
            grader = (row.get("grader") or "").strip() or path.stem
            values: dict[str, int | None] = {}
            for item in ITEMS:
                try:
                    values[item] = _cell(item, row.get(item) or "")
                except ValueError as exc:
                    problems.append(f"{where}: {exc}")
            if (cid, grader) in seen:
                problems.append(
                    f"{where}: {cid} graded twice by {grader} (also {seen[(cid, grader)]})"
                )
                continue
            seen[(cid, grader)] = where
            grades.append(Grade(cid, grader, values))
    if problems:
        raise CalibrationError("\n".join(problems))
    if not grades:
        raise CalibrationError(f"no graded rows in {', '.join(str(p) for p in paths)}")
    return grades


# ---------------------------------------------------------------------------------------------
# the report


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two readers on one criterion or signal."""

    item: str
    kind: str  # "criterion" or "signal"
    first: str
    second: str
    result: Agreement


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A contact where Rapport and the graders differ most, with Rapport's quotes."""

    contact_id: str
    agent_id: str
    distance: float
    items: tuple[tuple[str, int | None, tuple[tuple[str, int | None], ...]], ...]
    quotes: tuple[tuple[str, int, str], ...]


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    """Agreement per criterion and signal, the most disagreeing contacts, upheld disputes."""

    week: str
    graders: tuple[str, ...]
    contacts: int
    comparisons: tuple[Comparison, ...]
    disagreements: tuple[Disagreement, ...]
    upheld: dict[str, int]

    def for_item(self, item: str) -> list[Comparison]:
        """The comparisons of one criterion or signal, Rapport's first."""
        return [c for c in self.comparisons if c.item == item]


def _seed(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode())


def build_report(
    week: str,
    readings: Mapping[str, Reading],
    grades: Sequence[Grade],
    *,
    upheld: Mapping[str, int] | None = None,
    samples: int = 1000,
) -> CalibrationReport:
    """Rapport against each grader and each pair of graders, per criterion and signal, over
    the contacts each pair both read."""
    graders = tuple(dict.fromkeys(g.grader for g in grades))
    ids = sorted({g.contact_id for g in grades})
    by = {(g.contact_id, g.grader): g for g in grades}

    def column(reader: str, item: str) -> list[Value | None]:
        if reader == RAPPORT:
            return [readings[c].value(item) for c in ids]
        return [by[(c, reader)].values[item] if (c, reader) in by else None for c in ids]

    pairs = [(RAPPORT, g) for g in graders]
    pairs += [(a, b) for i, a in enumerate(graders) for b in graders[i + 1 :]]
    comparisons = []
    for item in ITEMS:
        is_level = item in CRITERIA
        for first, second in pairs:
            comparisons.append(
                Comparison(
                    item=item,
                    kind="criterion" if is_level else "signal",
                    first=first,
                    second=second,
                    result=agreement(
                        column(first, item),
                        column(second, item),
                        LEVELS if is_level else YES_NO,
                        "quadratic" if is_level else "none",
                        samples=samples,
                        seed=_seed(item, first, second),
                    ),
                )
            )
    return CalibrationReport(
        week=week,
        graders=graders,
        contacts=len(ids),
        comparisons=tuple(comparisons),
        disagreements=tuple(_most_disagreeing(ids, readings, by, graders)),
        upheld={s: int(n) for s, n in sorted((upheld or {}).items()) if n},
    )


def _most_disagreeing(
    ids: Sequence[str],
    readings: Mapping[str, Reading],
    by: Mapping[tuple[str, str], Grade],
    graders: Sequence[str],
) -> list[Disagreement]:
    scored: list[Disagreement] = []
    for cid in ids:
        reading = readings[cid]
        distance = 0.0
        items = []
        for item in ITEMS:
            mine = reading.value(item)
            theirs = tuple((g, by[(cid, g)].values[item]) for g in graders if (cid, g) in by)
            gaps = [abs(mine - v) for _, v in theirs if v is not None and mine is not None]
            if gaps and max(gaps) > 0:
                distance += sum(gaps) / len(gaps)
                items.append((item, mine, theirs))
        if not items:
            continue
        quotes = []
        for item, _, _ in items:
            behind = CRITERION_SIGNALS.get(item, (item,))
            for signal in behind:
                for turn, text in reading.quotes.get(signal, [])[:QUOTES_PER_ITEM]:
                    if (signal, turn, text) not in quotes:
                        quotes.append((signal, turn, text))
        scored.append(Disagreement(cid, reading.agent_id, distance, tuple(items), tuple(quotes)))
    scored.sort(key=lambda d: (-d.distance, d.contact_id))
    return scored[:MOST_DISAGREEING]


def _fig(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def report_rows(report: CalibrationReport) -> list[dict[str, str]]:
    """One row per criterion or signal and pair of readers (calibration.csv)."""
    rows = []
    for c in report.comparisons:
        r = c.result
        row = {
            "week": report.week,
            "item": c.item,
            "kind": c.kind,
            "kappa_weighting": "quadratic" if c.kind == "criterion" else "none",
            "first": c.first,
            "second": c.second,
            "n": str(r.n),
        }
        for name, value, ci in (
            ("agreement", r.agreement, r.agreement_ci),
            ("kappa", r.kappa, r.kappa_ci),
            ("bias", r.bias, r.bias_ci),
        ):
            row[name] = _fig(value, 4)
            row[f"{name}_low"] = _fig(ci.low if ci else None, 4)
            row[f"{name}_high"] = _fig(ci.high if ci else None, 4)
        row["upheld_disputes"] = str(report.upheld.get(c.item, 0)) if c.kind == "signal" else ""
        rows.append(row)
    return rows


def report_csv(report: CalibrationReport) -> bytes:
    """calibration.csv."""
    rows = report_rows(report)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def report_json(report: CalibrationReport) -> dict[str, Any]:
    """Every figure of the report as JSON-ready data."""
    return {
        "week": report.week,
        "graders": list(report.graders),
        "contacts": report.contacts,
        "level_cuts": list(LEVEL_CUTS),
        "comparisons": [
            {
                "item": c.item,
                "kind": c.kind,
                "first": c.first,
                "second": c.second,
                **asdict(c.result),
            }
            for c in report.comparisons
        ],
        "most_disagreeing": [asdict(d) for d in report.disagreements],
        "upheld_disputes": report.upheld,
    }


def report_markdown(report: CalibrationReport) -> str:
    """The headline figures as markdown (the Prefect artifact)."""
    lines = [
        f"# Calibration {report.week}",
        "",
        f"{report.contacts} contacts, graders: {', '.join(report.graders)}. "
        "Kappa is quadratic-weighted for criteria (0-2), plain for signals (yes/no).",
        "",
        "| item | readers | n | agreement | kappa (95 % interval) | bias |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for c in report.comparisons:
        r = c.result
        ci = f" ({r.kappa_ci.low:.2f} to {r.kappa_ci.high:.2f})" if r.kappa_ci else ""
        kappa = "n/a" if r.kappa is None else f"{r.kappa:.2f}{ci}"
        agree = "" if r.agreement is None else f"{r.agreement:.0%}"
        lines.append(
            f"| {c.item} | {c.first} vs {c.second} | {r.n} | {agree} | {kappa} | {_fig(r.bias)} |"
        )
    if report.upheld:
        upheld = ", ".join(f"{s} {n}" for s, n in report.upheld.items())
        lines += ["", f"Upheld disputes per signal: {upheld}"]
    return "\n".join(lines)
