"""Detail values: the counts a point's wording may name, every field of the table covered."""

from __future__ import annotations

from checks.coaching.details import detail_values
from checks.coaching.table import DETAIL_FIELDS
from checks.coaching.week import AgentWeek, Evidence


def test_detail_values_fill_every_field() -> None:
    wk = AgentWeek(
        n=4,
        shown=1,
        missed=2,
        problems=3,
        flagged={"lack_own": ("c1",)},
        evidence={"apology": Evidence(6, ("c1", "c2"))},
    )
    values = detail_values(wk, 5, 2)
    assert tuple(values) == DETAIL_FIELDS
    assert values == {
        "findings": 5,
        "contacts": 2,
        "all": 4,
        "problems": 3,
        "shown": 1,
        "upset": 3,
        "owned": 2,
        "apologies": 6,
        "apologies_per_contact": 1.5,
    }
    assert f"{values['findings']:time}" == "5 times"


def test_an_empty_week_divides_by_one() -> None:
    assert detail_values(AgentWeek(), 0, 0)["apologies_per_contact"] == 0.0
