"""Per-agent figures: change and trend from past weeks, signals, flags, languages not scored."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from checks.transcripts.transcript import CRITERIA
from flows.report.aggregate import agent_means, median_of
from flows.report.scores_table import published_scores_table
from tests.flows.report.fixtures import (
    NAMES,
    WEEK,
    A,
    C,
    build,
    frames,
    history_table,
    strong_agent,
    weak_agent,
)


def test_change_and_trend_from_history() -> None:
    hist = history_table(WEEK, NAMES, {"a-001": [60, 62, 64, 66, 68, 70, 72, 74, 80]})
    dana, sam = build(hist).agents
    assert dana.previous_week == "2026-W46"
    assert dana.change == pytest.approx(dana.overall - 80)  # type: ignore[operator]
    assert len(dana.trend) == 8
    assert [p.week for p in dana.trend][-2:] == ["2026-W46", WEEK]
    assert sam.change is None
    assert len(sam.trend) == 1


def test_history_of_the_same_week_is_ignored() -> None:
    hist = history_table(WEEK, NAMES, {"a-001": [50]})
    rerun = hist.with_columns(week=pl.lit(WEEK), overall=pl.lit(1.0))
    dana = build(pl.concat([hist, rerun])).agents[0]
    assert dana.previous_week == "2026-W46"
    assert dana.trend[-1].overall == dana.overall


def test_signals_and_contact_flags() -> None:
    sam = build().agents[1]
    signals = {s.key: s for s in sam.signals}
    assert signals["broken_record"].value == "3"
    assert signals["broken_record"].flagged
    assert signals["dismissive"].value == "2"
    assert signals["missed_ack"].value == "2"
    assert signals["apologies"].value == f"{3 / 3:.1f}"
    flags = {r.contact_id: r.flags for r in sam.contacts}
    assert {"missed empathy", "broken record", "apology pile", "overload"} <= set(flags["c-2001"])
    assert "dismissive" in flags["c-2002"]


def test_contacts_in_an_unsupported_language_count_on_the_team_summary_only() -> None:
    hola = [("customer", "Hola, mi pedido no ha llegado."), ("agent", "Lo siento, lo reviso.")]
    na = (None, None, None, None)
    sam = weak_agent()
    sam.contacts.append(C("c-2099", 2, na, "none", hola, language="es"))
    # Nothing of this agent's could be scored: no card, no row, no zero in any median.
    bonjour = [("customer", "Bonjour, ma commande est en retard.")]
    lu = A(
        "a-003",
        "Lu Ortega",
        "Billing",
        [
            C("c-3001", 1, na, "none", hola, language="es"),
            C("c-3002", 3, na, "none", bonjour, language="fr"),
        ],
    )
    plain = build()
    report = build(agents=[strong_agent(), sam, lu])

    f = frames(WEEK, [strong_agent(), sam, lu])
    table = published_scores_table(WEEK, f["scores"], f["contacts"])
    assert table.height == 9
    skipped = table.filter(pl.col("state") == "unsupported_language")
    assert skipped["language"].sort().to_list() == ["es", "es", "fr"]
    assert skipped.select(*CRITERIA, "overall").null_count().row(0) == (3,) * 5
    # Cards neither list nor average them; the agent's card names them.
    assert [a.agent_id for a in report.agents] == ["a-001", "a-002"]
    assert report.agents[0] == plain.agents[0]
    assert report.agents[1] == replace(plain.agents[1], unsupported_languages=(("es", 1),))
    assert report.team.unsupported_languages == (("es", 2), ("fr", 1))
    assert report.team.n_unsupported_language == 3
    assert report.team == replace(plain.team, unsupported_languages=(("es", 2), ("fr", 1)))
    assert plain.team.n_unsupported_language == 0


def test_a_criterion_that_never_applied_has_no_mean_and_no_team_median() -> None:
    table = pl.DataFrame(
        {
            "agent_id": ["a", "a", "b"],
            "overall": [50.0, 70.0, 80.0],
            "weight": [1.0, 3.0, 1.0],
            **{c: [None, None, None] for c in CRITERIA},
        },
        schema_overrides={c: pl.Float64 for c in CRITERIA},
    )
    means = agent_means(table, ["agent_id"]).sort("agent_id")
    assert means["overall"].to_list() == [65.0, 80.0]
    assert means[CRITERIA[0]].to_list() == [None, None]  # not NaN from 0/0
    assert median_of([float("nan"), None]) is None
    assert median_of([float("nan"), 20.0, 40.0]) == 30.0
