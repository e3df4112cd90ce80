"""`rapport sample-size` over published score tables in a real (local) store."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from checks.criteria.intervals import half_width_at, sample_size_for
from checks.rubric.rubric import load_rubric
from flows.cli.app import app
from flows.cli.sample_size import TARGETS, sample_size_needs
from flows.publish.publish import week_prefix
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA
from flows.stores.local import LocalStore
from tests.flows.report.example_report import scored_week

runner = CliRunner()


def _table(spread: float, agents: int, weeks: int, per_week: int) -> pl.DataFrame:
    """Published-table rows whose overall varies around each agent's week mean by ``spread``."""
    rng = random.Random(4)
    rows = []
    for w in range(weeks):
        for a in range(agents):
            centre = rng.uniform(40, 60)
            for c in range(per_week):
                rows.append(
                    {
                        "week": f"2026-W{40 + w}",
                        "agent_id": f"a-{a}",
                        "contact_id": f"c-{w}-{a}-{c}",
                        "state": "scored",
                        "overall": rng.gauss(centre, spread),
                        "empathy": rng.gauss(centre, spread) if c % 2 else None,
                    }
                )
    frame = pl.DataFrame(rows)
    return pl.concat([PUBLISHED_SCORES_SCHEMA.to_frame(), frame], how="diagonal_relaxed")


def test_spread_and_sizes_from_tables_with_a_known_spread() -> None:
    needs = {n.key: n for n in sample_size_needs(_table(20.0, agents=30, weeks=4, per_week=6))}
    overall, empathy = needs["overall"], needs["empathy"]
    assert overall.spread is not None
    assert overall.spread == pytest.approx(20.0, rel=0.08)
    assert overall.contacts_now == 6
    assert overall.applies == 1.0
    assert overall.half_width_now == pytest.approx(half_width_at(overall.spread, 6))
    assert overall.needed == tuple(sample_size_for(overall.spread, t) for t in TARGETS)
    # empathy applies to half the contacts: twice the contacts to sample for the same width
    assert empathy.applies == pytest.approx(0.5)
    assert empathy.half_width_now == pytest.approx(half_width_at(empathy.spread or 0.0, 3))
    assert empathy.needed[0] == pytest.approx(
        2 * sample_size_for(empathy.spread or 0.0, 5.0), abs=1
    )
    assert needs["compassion"].spread is None
    assert needs["compassion"].needed == (None, None)


def test_the_command_reads_the_published_weeks(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    rubric = load_rubric()
    for week in ("2026-W45", "2026-W46", "2026-W47"):
        table = scored_week(week, rubric, n_agents=6)[0]
        buf = io.BytesIO()
        table.write_parquet(buf)
        store.put(week_prefix("scorecards", week) + "scores.parquet", buf.getvalue())
    result = runner.invoke(
        app,
        ["sample-size", "--store", "local", "--local-root", str(tmp_path), "--week", "2026-W47"],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "From 3 published weeks; 5 contacts per agent now" in out
    row = re.search(r"^Overall\s+100%\s+(\d+)\s+±(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
    assert row is not None, out
    spread, now, for5, for10 = map(int, row.groups())
    assert for5 > for10 >= 3
    assert abs(now - half_width_at(spread, 5)) < 1.5  # both rounded for print
    for label in ("Empathy", "Compassion", "Sympathy control", "Hospitality"):
        assert re.search(rf"^{label}\s+\d+%", out, re.M), out


def test_no_published_weeks_says_so(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["sample-size", "--store", "local", "--local-root", str(tmp_path), "-w", "2026-W47"]
    )
    assert result.exit_code == 0
    assert "No published score tables found" in result.output
