"""Rapport's own reading of the drawn contacts: levels, signals and quotes, kept in a readings
file beside the sheet."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from checks.transcripts.pii import mask_pii
from checks.transcripts.transcript import CRITERIA
from flows.calibrate.scale import LEVEL_CUTS, READINGS_FILE, SIGNALS, CalibrationError, level_of


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
