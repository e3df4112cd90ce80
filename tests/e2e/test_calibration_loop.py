"""The calibration loop end to end on moto's S3 server: audit a week, draw a calibration set,
uphold a dispute, rerun the week, and report agreement with the upheld disputes counted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from checks.rubric.rubric import Rubric, load_rubric
from flows.calibrate.disputes import DISPUTE_COLUMNS, DISPUTES_FILE
from flows.calibrate.readings import Reading, load_readings
from flows.calibrate.scale import (
    PACKET_FILE,
    READINGS_FILE,
    SHEET_COLUMNS,
    SHEET_FILE,
    CalibrationError,
)
from flows.cli.calibrate import calibration_flow, draw
from flows.config.settings import Settings
from flows.pipeline.weekly import weekly_audit
from tests.e2e.conftest import WEEKS, Bucket

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = WEEKS[-1]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_draw_dispute_rerun_and_report(generated_bucket: Bucket, tmp_path: Path) -> None:
    bucket = generated_bucket
    settings = bucket.settings(sample="all")
    rubric = load_rubric()
    weekly_audit(week=WEEK, settings=settings)
    before = bucket.scores(WEEK)
    _every_output_names_the_rubric(bucket, before, rubric)
    out = tmp_path / "cal"
    rows, drawn, readings = _draw(bucket, settings, before, rubric, out, tmp_path)
    target, turn, other, other_turn = _dispute(bucket, drawn, readings)

    weekly_audit(week=WEEK, settings=settings)
    after = bucket.scores(WEEK)
    owner = _rerun_applied_the_disputes(bucket, before, after, target, turn, other, other_turn)
    _the_card_says_so(bucket, before, after, owner)
    _report_counts_the_upheld_dispute(bucket, rows, readings, out, tmp_path)


def _every_output_names_the_rubric(bucket: Bucket, before: pl.DataFrame, rubric: Rubric) -> None:
    """Every output carries the rubric's content hash beside its version."""
    assert before["rubric_sha256"].unique().to_list() == [rubric.sha256]
    assert bucket.manifest(WEEK)["rubric_sha256"] == rubric.sha256
    agent = before.sort("contact_id")["agent_id"][0]
    card_before = bucket.store.get(bucket.key(WEEK, f"{agent}.pdf"))
    assert f"sha256 {rubric.sha256[:12]}" in pdf_text(card_before)


def _draw(
    bucket: Bucket,
    settings: Settings,
    before: pl.DataFrame,
    rubric: Rubric,
    out: Path,
    tmp_path: Path,
) -> tuple[list[dict[str, str]], list[str], dict[str, Reading]]:
    """A reproducible draw: the sheet, a packet without scores, Rapport's readings apart."""
    paths = draw(settings, WEEK, 40, out, ["ana", "ben"])
    assert draw(settings, WEEK, 40, tmp_path / "again", ["ana", "ben"])[
        SHEET_FILE
    ].read_bytes() == (paths[SHEET_FILE].read_bytes())
    rows = list(csv.DictReader(io.StringIO(paths[SHEET_FILE].read_text())))
    assert list(rows[0]) == list(SHEET_COLUMNS)
    assert len(rows) == 80
    assert {r["grader"] for r in rows} == {"ana", "ben"}
    assert all(r["empathy"] == r["apology"] == "" for r in rows)
    drawn = [r["contact_id"] for r in rows if r["grader"] == "ana"]
    assert len(set(drawn)) == 40
    assert len({r["agent_id"] for r in rows}) == before["agent_id"].n_unique()
    drawn_rows = before.filter(pl.col("contact_id").is_in(drawn))
    assert set(drawn_rows["opportunity"]) >= {"none"}
    assert drawn_rows["opportunity"].ne("none").any()
    packet = pdf_text(paths[PACKET_FILE].read_bytes())
    assert all(cid in packet for cid in drawn)
    assert "Overall" not in packet
    assert rubric.version not in packet
    assert "sha256" not in packet
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        (Path(__file__).resolve().parents[2] / "checks" / "rubric" / "rubric.yaml")
        .read_text(encoding="utf-8")
        .replace("penalty_per_pity: 15", "penalty_per_pity: 5")
    )
    with pytest.raises(CalibrationError, match=f"scored with rubric sha256 {rubric.sha256}, not"):
        draw(settings.model_copy(update={"rubric": edited}), WEEK, 40, tmp_path / "x")
    week, readings = load_readings(out / READINGS_FILE)
    assert week == WEEK
    assert set(readings) == set(drawn)

    return rows, drawn, readings


def _dispute(
    bucket: Bucket, drawn: list[str], readings: dict[str, Reading]
) -> tuple[str, int, str, int]:
    """Uphold a dispute on one warmth finding of a drawn contact, reject another."""
    target = next(c for c in drawn if readings[c].quotes.get("warmth"))
    turn = readings[target].quotes["warmth"][0][0]
    other = next(c for c in drawn if c != target and readings[c].quotes.get("apology"))
    other_turn = readings[other].quotes["apology"][0][0]
    disputes = io.StringIO()
    writer = csv.writer(disputes)
    writer.writerow(DISPUTE_COLUMNS)
    writer.writerow(
        [WEEK, target, "warmth", turn, "team lead", "a signature, not warmth", "upheld"]
    )
    writer.writerow([WEEK, other, "apology", other_turn, "agent", "it was sincere", "rejected"])
    bucket.store.put(bucket.key(WEEK, DISPUTES_FILE), disputes.getvalue().encode())

    return target, turn, other, other_turn


def _rerun_applied_the_disputes(
    bucket: Bucket,
    before: pl.DataFrame,
    after: pl.DataFrame,
    target: str,
    turn: int,
    other: str,
    other_turn: int,
) -> str:
    """The upheld finding counts for nothing after the rerun; the table keeps both decisions."""
    row_before = before.filter(pl.col("contact_id") == target).row(0, named=True)
    row_after = after.filter(pl.col("contact_id") == target).row(0, named=True)
    assert row_after["n_warmth"] < row_before["n_warmth"]
    assert row_after["hospitality"] != row_before["hospitality"]
    assert row_after["disputes"] == f"warmth@{turn}: upheld"
    assert row_after["findings_removed"] == 1
    other_after = after.filter(pl.col("contact_id") == other).row(0, named=True)
    assert other_after["disputes"] == f"apology@{other_turn}: rejected"
    assert other_after["findings_removed"] == 0
    unchanged = before.filter(pl.col("contact_id") != target).drop("rubric_version")
    assert unchanged.select("contact_id", "overall").equals(
        after.filter(pl.col("contact_id") != target).select("contact_id", "overall")
    )
    csv_table = bucket.store.get(bucket.key(WEEK, "scores.csv")).decode()
    assert f"warmth@{turn}: upheld" in csv_table

    return str(row_after["agent_id"])


def _the_card_says_so(
    bucket: Bucket, before: pl.DataFrame, after: pl.DataFrame, owner: str
) -> None:
    """The card says so, its headline follows the recomputed contact; the disputes file
    survives the rerun, vouched for by the manifest."""
    card = pdf_text(bucket.store.get(bucket.key(WEEK, f"{owner}.pdf")))
    assert "1 finding removed after review" in card
    mean_before = float(before.filter(pl.col("agent_id") == owner)["overall"].mean())  # type: ignore[arg-type]
    mean_after = float(after.filter(pl.col("agent_id") == owner)["overall"].mean())  # type: ignore[arg-type]
    assert mean_before != mean_after
    assert f"{mean_after:.0f}" in card
    others = set(after["agent_id"]) - {owner}
    some = sorted(others)[0]
    assert "removed after review" not in pdf_text(bucket.store.get(bucket.key(WEEK, f"{some}.pdf")))

    assert DISPUTES_FILE in bucket.manifest(WEEK)["files"]


def _report_counts_the_upheld_dispute(
    bucket: Bucket,
    rows: list[dict[str, str]],
    readings: dict[str, Reading],
    out: Path,
    tmp_path: Path,
) -> None:
    """Graders fill the sheet (here: Rapport's own reading, ben says no to every apology);
    the report counts the upheld dispute per signal and leaves a Prefect artifact."""
    local_disputes = tmp_path / DISPUTES_FILE
    local_disputes.write_bytes(bucket.store.get(bucket.key(WEEK, DISPUTES_FILE)))
    graded: dict[str, list[dict[str, str]]] = {"ana": [], "ben": []}
    for r in rows:
        reading = readings[r["contact_id"]]
        cells = dict(r)
        for c, level in reading.levels.items():
            cells[c] = "" if level is None else str(level)
        for s, yes in reading.signals.items():
            cells[s] = "yes" if yes else "no"
        if r["grader"] == "ben":
            cells["apology"] = "no"
        graded[r["grader"]].append(cells)
    sheets = []
    for grader, grader_rows in graded.items():
        path = out / f"{grader}.csv"
        with path.open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=SHEET_COLUMNS)
            w.writeheader()
            w.writerows(grader_rows)
        sheets.append(str(path))
    figures = calibration_flow(sheets, str(out / READINGS_FILE), str(out), [str(local_disputes)])
    assert figures["upheld_disputes"] == {"warmth": 1}
    ana = [c for c in figures["comparisons"] if c["first"] == "Rapport" and c["second"] == "ana"]
    assert all(c["agreement"] == 1.0 for c in ana if c["n"])
    report = pdf_text((out / "calibration-report.pdf").read_bytes())
    assert "Rapport vs ben" in report
    assert "disputes upheld after review" in report.lower()

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        key = f"rapport-calibration-{WEEK.lower()}"
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    assert found
    assert "warmth 1" in str(found[0].data)
