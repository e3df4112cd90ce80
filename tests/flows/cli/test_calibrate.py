"""`rapport calibrate report` prints the figures and names bad rows; `draw` on a week never
audited says so."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checks.transcripts.transcript import CRITERIA
from flows.calibrate.draw import sheet_csv
from flows.calibrate.readings import Reading, readings_json
from flows.calibrate.scale import READINGS_FILE, SHEET_COLUMNS, SIGNALS
from flows.cli.calibrate import calibrate_app


def test_report_command_prints_json_and_names_bad_rows(tmp_path: Path) -> None:
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
    assert ana["empathy"]["kappa"] == pytest.approx(1.0)
    assert ana["apology"]["agreement"] == 1.0
    assert (tmp_path / "calibration-report.pdf").is_file()
    assert (tmp_path / "calibration.csv").is_file()

    (tmp_path / "ana.csv").write_text(
        (tmp_path / "ana.csv").read_text().replace("c-3,", "c-77,", 1)
    )
    bad = runner.invoke(calibrate_app, ["report", str(tmp_path / "ana.csv")])
    assert bad.exit_code == 2
    assert f"{tmp_path / 'ana.csv'}: row 5: unknown contact id 'c-77'" in bad.output


def test_drawing_a_week_that_was_never_audited_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        calibrate_app,
        ["draw", "--week", "2026-W40", "--store", "local", "--local-root", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "2026-W40 has no score table at" in result.output
    assert "rapport run --week 2026-W40" in result.output
