"""The calibration report: Rapport against each grader and the graders against each other,
per criterion and signal, and the contacts where they differ most."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from checks.calibration.agreement import Agreement, Value, agreement
from checks.rubric.rubric import CRITERION_SIGNALS
from checks.transcripts.transcript import CRITERIA
from flows.calibrate.readings import Reading
from flows.calibrate.scale import ITEMS, LEVELS, RAPPORT, YES_NO
from flows.calibrate.sheets import Grade

MOST_DISAGREEING: Final = 5
QUOTES_PER_ITEM: Final = 2


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
