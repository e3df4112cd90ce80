"""Evidence: a week's tables reduced per agent, counting every finding, quoting the right one."""

from __future__ import annotations

import polars as pl

from checks.coaching.coaching import coach_agent
from checks.coaching.evidence import agent_weeks
from checks.transcripts.pii import mask_pii
from tests.flows.report.fixtures import frames, strong_agent, weak_agent


def test_findings_of_unscored_contacts_still_count() -> None:
    f = frames("2026-W47", [weak_agent()])
    extra = (
        f["findings"]
        .filter(pl.col("signal") == "dismissive")
        .with_columns(contact_id=pl.lit("c-9999"))
    )
    base = coach_agent(f["scores"], f["findings"], turns=f["turns"])
    more = coach_agent(f["scores"], pl.concat([f["findings"], extra]), turns=f["turns"])
    before = next(p for p in base.focus if p.key == "dismissive")
    after = next(p for p in more.focus if p.key == "dismissive")
    assert after.count == before.count + extra.height
    assert after.contact_ids == tuple(sorted({*before.contact_ids, "c-9999"}))


def test_without_turns_quotes_fall_back_to_the_masked_match() -> None:
    f = frames("2026-W47", [weak_agent()])
    c = coach_agent(f["scores"], f["findings"])
    quotes = [p.quote for p in (*c.went_well, *c.focus) if p.quote]
    assert quotes
    assert all(q.before == "" and q.after == "" for q in quotes)
    texts = set(f["findings"]["text"].map_elements(mask_pii, return_dtype=pl.String))
    assert all(q.match in texts for q in quotes)


def test_agent_weeks_count_contacts_flags_and_evidence() -> None:
    f = frames("2026-W47", [strong_agent(), weak_agent()])
    weeks = agent_weeks(f["scores"], f["findings"], f["turns"])
    assert set(weeks) == set(f["scores"]["agent_id"])
    for aid, wk in weeks.items():
        own = f["scores"].filter(pl.col("agent_id") == aid)
        assert wk.n == own.height
        assert wk.missed == len(wk.contacts_flagged("missed"))
        assert wk.shown == (own["opportunity"] == "needed_shown").sum()
        for key, found in wk.evidence.items():
            assert found.count >= len(found.contacts) > 0, key
            assert list(found.contacts) == sorted(found.contacts)
            if found.quote is not None:
                assert found.quote.contact_id in found.contacts, key
