"""agents.csv and the weighted score table behind it, on the generated example week."""

from __future__ import annotations

import io

import polars as pl
import pytest

from checks.transcripts.transcript import CRITERIA
from flows.publish.spreadsheet import spreadsheet_safe_csv
from flows.report.agent_table import agent_table
from flows.report.model import WeekReport
from flows.select.sampling import BECAUSE_DISTRESS, BECAUSE_REST
from tests.flows.report.example_report import example_report, scored_week


@pytest.fixture(scope="module")
def report() -> WeekReport:
    return example_report()


def test_score_table_carries_weights_and_why_each_contact_was_drawn() -> None:
    from checks.rubric.rubric import load_rubric

    table = scored_week("2026-W47", load_rubric())[0]
    assert table["weight"].null_count() == 0
    assert (table["weight"] >= 1.0).all()
    assert set(table["sampled_because"]) <= {BECAUSE_DISTRESS, BECAUSE_REST, "random draw"}
    assert BECAUSE_DISTRESS in set(table["sampled_because"])


def test_agents_csv_matches_the_cards(report: WeekReport) -> None:
    back = pl.read_csv(io.BytesIO(spreadsheet_safe_csv(agent_table(report))))
    assert back.height == len(report.agents)
    for card in report.agents:
        row = back.filter(pl.col("agent_id") == card.agent_id).row(0, named=True)
        assert row["contacts"] == card.contacts_sampled
        assert row["overall"] == pytest.approx(card.overall)
        assert card.overall_interval is not None
        assert row["overall_low"] == pytest.approx(card.overall_interval.low, abs=0.01)
        assert row["overall_high"] == pytest.approx(card.overall_interval.high, abs=0.01)
        assert row["change_verdict"] == card.change_verdict
        for c in card.criteria:
            assert row[f"{c.key}_contacts"] == c.applied
            if c.too_few:
                assert row[c.key] is None
                assert row[f"{c.key}_low"] is None
            else:
                assert row[c.key] == pytest.approx(c.score)
                assert row[f"{c.key}_low"] - 1e-9 <= row[c.key] <= row[f"{c.key}_high"] + 1e-9
    assert {f"{c}_band" for c in CRITERIA} <= set(back.columns)
