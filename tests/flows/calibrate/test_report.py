"""Calibration report: two graded sheets from the cs-dev labels (one grader) and a perturbed
copy (a second) give kappas equal to scikit-learn's, in the CSV and the PDF too."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sklearn.metrics import cohen_kappa_score

from checks.rubric.rubric import load_rubric
from checks.transcripts.transcript import CRITERIA
from flows.calibrate.readings import Reading, readings_from_results, readings_json
from flows.calibrate.scale import ITEMS, RAPPORT, READINGS_FILE, SHEET_COLUMNS, SIGNALS
from flows.cli.calibrate import calibration_report
from flows.evaluate.cs_dev import load_cs_dev, score_threads
from flows.evaluate.data import DEFAULT_CS_DEV

needs_cs_dev = pytest.mark.skipif(not DEFAULT_CS_DEV.is_dir(), reason="no shared/eval/cs-dev here")
SLICE = slice(0, 50)


def grades_from_labels(label: dict[str, Any]) -> dict[str, str]:
    """One grader's row from a cs-dev label line (overload true reads as 0 on the 0-2 scale)."""
    contact = label["contact"]
    cells: dict[str, str] = {}
    for name in ("empathy", "compassion", "hospitality"):
        cells[name] = "" if contact.get(name) is None else str(contact[name])
    cells["sympathy_overload"] = "0" if contact.get("overload") else "2"
    found = {s for turn in label["turns"].values() for s in turn}
    for signal in SIGNALS:
        cells[signal] = "yes" if signal in found else "no"
    return cells


def perturbed(cells: dict[str, str], rng: random.Random) -> dict[str, str]:
    out = dict(cells)
    for item in ITEMS:
        if rng.random() < 0.25 and out[item] != "":
            if item in CRITERIA:
                out[item] = str(rng.choice([0, 1, 2]))
            else:
                out[item] = "no" if out[item] == "yes" else "yes"
    return out


def write_sheet(path: Path, grader: str, rows: dict[str, dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        for cid, cells in rows.items():
            writer.writerow({"week": "cs-dev", "contact_id": cid, "grader": grader, **cells})


def as_value(item: str, text: str) -> int | None:
    if text == "":
        return None
    return int(text) if item in CRITERIA else int(text == "yes")


@pytest.fixture(scope="module")
def cs_dev_readings() -> tuple[dict[str, Reading], dict[str, dict[str, Any]]]:
    threads, labels = load_cs_dev(DEFAULT_CS_DEV)
    ids = [c for c in list(labels)[SLICE] if c in threads]
    results, _ = score_threads([threads[c] for c in ids], load_rubric())
    return readings_from_results(results.values()), {c: labels[c] for c in ids}


@needs_cs_dev
def test_report_kappas_equal_the_oracle_on_cs_dev(
    tmp_path: Path, cs_dev_readings: tuple[dict[str, Reading], dict[str, dict[str, Any]]]
) -> None:
    readings, labels = cs_dev_readings
    rng = random.Random(16)
    first = {c: grades_from_labels(labels[c]) for c in readings}
    second = {c: perturbed(cells, rng) for c, cells in first.items()}
    write_sheet(tmp_path / "ana.csv", "ana", first)
    write_sheet(tmp_path / "ben.csv", "ben", second)
    (tmp_path / READINGS_FILE).write_bytes(readings_json("cs-dev", {}, readings))

    report, paths = calibration_report(
        [tmp_path / "ana.csv", tmp_path / "ben.csv"], tmp_path / READINGS_FILE, tmp_path,
        samples=200,
    )  # fmt: skip

    def column(reader: str, item: str) -> list[int | None]:
        if reader == RAPPORT:
            return [readings[c].value(item) for c in sorted(readings)]
        sheet = first if reader == "ana" else second
        return [as_value(item, sheet[c][item]) for c in sorted(readings)]

    checked = 0
    for c in report.comparisons:
        pairs = [
            (a, b)
            for a, b in zip(column(c.first, c.item), column(c.second, c.item), strict=True)
            if a is not None and b is not None
        ]
        scale = [0, 1, 2] if c.item in CRITERIA else [0, 1]
        assert c.result.n == len(pairs)
        if len({*(a for a, _ in pairs)}) * len({*(b for _, b in pairs)}) <= 1:
            continue  # chance explains everything: no kappa to compare
        oracle = cohen_kappa_score(
            [a for a, _ in pairs],
            [b for _, b in pairs],
            labels=scale,
            weights="quadratic" if c.item in CRITERIA else None,
        )
        assert c.result.kappa == pytest.approx(oracle, abs=1e-9), (c.item, c.first, c.second)
        checked += 1
    assert checked >= 30
    assert {(c.first, c.second) for c in report.comparisons} == {
        (RAPPORT, "ana"),
        (RAPPORT, "ben"),
        ("ana", "ben"),
    }

    # The CSV holds the same kappas, and the PDF names the readers and the contacts.
    rows = list(csv.DictReader(io.StringIO(paths["calibration.csv"].read_text())))
    assert len(rows) == len(report.comparisons)
    by_key = {(r["item"], r["first"], r["second"]): r for r in rows}
    for c in report.comparisons:
        row = by_key[(c.item, c.first, c.second)]
        assert row["kappa"] == ("" if c.result.kappa is None else f"{c.result.kappa:.4f}")
    text = "\n".join(p.extract_text() for p in PdfReader(paths["calibration-report.pdf"]).pages)
    assert "Rapport vs ana" in text
    assert "ana vs ben" in text
    worst = report.disagreements[0]
    assert worst.contact_id in text
