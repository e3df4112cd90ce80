"""Week means of a criterion: weighted, N/A rows left out, null where it never applied."""

from __future__ import annotations

import polars as pl

from checks.coaching.evidence import CONTACT_FLAGS, week_totals
from checks.criteria.means import weighted_mean


def test_weighted_over_the_rows_it_applies_to_and_null_where_none() -> None:
    frame = pl.DataFrame(
        {"agent_id": ["a", "a", "a", "b"], "x": [50.0, 70.0, None, None], "w": [1.0, 3.0, 9.0, 2.0]}
    )
    means = frame.group_by("agent_id").agg(weighted_mean("x", pl.col("w"))).sort("agent_id")
    assert means["x"].to_list() == [65.0, None]  # not NaN from 0/0


def test_coaching_totals_have_no_mean_for_a_criterion_that_never_applied() -> None:
    contacts = pl.DataFrame(
        {
            "agent_id": ["a", "a"],
            "contact_id": ["c1", "c2"],
            "weight": [1.0, 1.0],
            "shown": [False, False],
            "missed": [False, False],
            "problem": [True, True],
            "empathy": [None, None],
            "compassion": [40.0, 60.0],
            "sympathy_overload": [100.0, 100.0],
            "hospitality": [50.0, 70.0],
        },
        schema_overrides={"empathy": pl.Float64},
    )
    flags = {k: [False, False] for k in ("piled", "cold")}
    flags |= {k: [False, False] for k in CONTACT_FLAGS}
    totals = week_totals(contacts.with_columns(**{k: pl.Series(v) for k, v in flags.items()}))
    assert totals["mean_empathy"].to_list() == [None]
    assert totals["mean_compassion"].to_list() == [50.0]
