"""The calibration report as calibration.csv, JSON and the markdown of the Prefect artifact."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any

from flows.calibrate.report import CalibrationReport
from flows.calibrate.scale import LEVEL_CUTS


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
