"""Calibration report: two graded sheets from the cs-dev labels (one grader) and a perturbed
copy (a second) give kappas equal to scikit-learn's; bad sheets are refused by file and row."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sklearn.metrics import cohen_kappa_score

from checks.rubric.rubric import load_rubric
from checks.transcripts.transcript import CRITERIA
from flows.calibrate.calibration import (
    ITEMS,
    RAPPORT,
    READINGS_FILE,
    SHEET_COLUMNS,
    SIGNALS,
    CalibrationError,
    Reading,
    draw_contacts,
    level_of,
    readings_from_results,
    readings_json,
    sheet_csv,
)
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
    assert "Rapport vs ana" in text and "ana vs ben" in text
    worst = report.disagreements[0]
    assert worst.contact_id in text


def _known() -> dict[str, Reading]:
    blank = Reading("a-1", {}, {c: 1 for c in CRITERIA}, {s: False for s in SIGNALS})
    return {"c-1": blank, "c-2": blank}


def test_bad_sheets_are_refused_naming_file_row_and_problem(tmp_path: Path) -> None:
    from flows.calibrate.calibration import read_sheets

    good = tmp_path / "good.csv"
    good.write_bytes(sheet_csv("2026-W47", [("c-1", "a-1"), ("c-2", "a-1")], ["ana"]))
    rows = list(csv.DictReader(io.StringIO(good.read_text())))
    rows[0].update({"empathy": "3", "apology": "maybe"})
    rows[1]["contact_id"] = "c-9"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    short = tmp_path / "short.csv"
    short.write_text("contact_id,grader,empathy\nc-1,ana,2\n")
    with pytest.raises(CalibrationError) as err:
        read_sheets([bad, short], _known())
    assert str(err.value).splitlines() == [
        f"{bad}: row 2: empathy: '3' is not 0, 1, 2 or blank (does not apply)",
        f"{bad}: row 2: apology: 'maybe' is not yes, no or blank",
        f"{bad}: row 3: unknown contact id 'c-9' (not in the drawn set)",
        f"{short}: missing column(s) compassion, sympathy_overload, hospitality, "
        + ", ".join(SIGNALS),
    ]


def test_draw_is_reproducible_and_spreads_across_agents_and_opportunity() -> None:
    rows = [
        {
            "contact_id": f"{agent}-{i}",
            "agent_id": agent,
            "state": "scored",
            "opportunity": "needed_shown" if i % 3 == 0 else "none",
        }
        for agent in ("a", "b", "c", "d")
        for i in range(12)
    ]
    drawn = draw_contacts(rows, "2026-W47", 12)
    assert drawn == draw_contacts(list(reversed(rows)), "2026-W47", 12)
    assert drawn != draw_contacts(rows, "2026-W48", 12)
    assert len(set(drawn)) == 12
    per_agent = {a: sum(c.startswith(a) for c in drawn) for a in "abcd"}
    assert set(per_agent.values()) == {3}
    with_opp = sum(int(c.split("-")[1]) % 3 == 0 for c in drawn)
    assert with_opp == 8  # two of each agent's three: opportunity, none, opportunity


def test_levels_from_scores() -> None:
    assert [level_of(s) for s in (None, 0.0, 39.9, 40.0, 69.9, 70.0, 100.0)] == [
        None, 0, 0, 1, 1, 2, 2,
    ]  # fmt: skip


def test_readings_file_round_trips(tmp_path: Path) -> None:
    from flows.calibrate.calibration import load_readings

    readings = {"c-1": Reading("a-1", {"empathy": 80.0}, {"empathy": 2}, {"apology": True},
                               {"apology": [(3, "so sorry")]})}  # fmt: skip
    path = tmp_path / READINGS_FILE
    path.write_bytes(readings_json("2026-W47", {"version": "v"}, readings))
    assert load_readings(path) == ("2026-W47", readings)
    assert json.loads(path.read_text())["level_cuts"] == [40.0, 70.0]
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CalibrationError, match=r"x\.json: not a readings file"):
        load_readings(tmp_path / "x.json")


def test_report_command_prints_json_and_names_bad_rows(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli.calibrate import calibrate_app

    readings = {
        f"c-{i}": Reading(
            "a-1",
            {},
            {c: i % 3 for c in CRITERIA},
            {s: bool(i % 2) for s in SIGNALS},
            {"apology": [(1, "so sorry")]},
        )
        for i in range(8)
    }
    (tmp_path / READINGS_FILE).write_bytes(readings_json("2026-W47", {}, readings))
    ids = [(c, "a-1") for c in readings]
    for grader, shift in (("ana", 0), ("ben", 1)):
        rows = list(csv.DictReader(io.StringIO(sheet_csv("2026-W47", ids, [grader]).decode())))
        for i, row in enumerate(rows):
            for c in CRITERIA:
                row[c] = str((i + shift * (i % 4 == 0)) % 3)
            for s in SIGNALS:
                row[s] = "yes" if i % 2 else "no"
        write = tmp_path / f"{grader}.csv"
        with write.open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=SHEET_COLUMNS)
            w.writeheader()
            w.writerows(rows)
    runner = CliRunner()
    result = runner.invoke(
        calibrate_app, ["report", str(tmp_path / "ana.csv"), str(tmp_path / "ben.csv"), "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    ana = {c["item"]: c for c in figures["comparisons"] if c["second"] == "ana"}
    assert ana["empathy"]["kappa"] == pytest.approx(1.0) and ana["apology"]["agreement"] == 1.0
    assert (tmp_path / "calibration-report.pdf").is_file()
    assert (tmp_path / "calibration.csv").is_file()

    (tmp_path / "ana.csv").write_text(
        (tmp_path / "ana.csv").read_text().replace("c-3,", "c-77,", 1)
    )
    bad = runner.invoke(calibrate_app, ["report", str(tmp_path / "ana.csv")])
    assert bad.exit_code == 2
    assert f"{tmp_path / 'ana.csv'}: row 5: unknown contact id 'c-77'" in bad.output


def test_drawing_a_week_that_was_never_audited_says_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli.calibrate import calibrate_app

    result = CliRunner().invoke(
        calibrate_app,
        ["draw", "--week", "2026-W40", "--store", "local", "--local-root", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "2026-W40 has no score table at" in result.output
    assert "rapport run --week 2026-W40" in result.output


def test_packet_numbers_turns_and_masks_personal_data() -> None:
    from datetime import UTC, datetime

    from checks.transcripts.transcript import Contact, Turn
    from flows.calibrate.calibration import packet_contacts
    from flows.cli.calibrate import packet_pdf

    contact = Contact(
        "c-7",
        None,
        (
            Turn("customer", "Reach me at jo.bloggs@example.com or 07700 900123, it is urgent"),
            Turn("agent", "Thanks Jo, I have updated the delivery address."),
        ),
        started_at=datetime(2026, 11, 18, 9, 30, tzinfo=UTC),
        channel="chat",
    )
    (packet,) = packet_contacts([contact], {"c-7": "a-3"})
    assert packet.agent_id == "a-3" and [t.number for t in packet.turns] == [0, 1]
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(packet_pdf("2026-W47", [packet]))).pages
    )
    assert "jo.bloggs@example.com" not in text and "07700 900123" not in text
    assert "c-7" in text and "agent a-3" in text
    assert "0 customer Reach me at [email] or [phone], it is urgent" in text
    assert "1 agent Thanks [name], I have updated the delivery address." in text
