"""A week's tables before publishing (issue 18, hole 6): every contact id and key carrying PII
is the same pseudonym in every table, reasons are masked, agents stay readable; the key behind
the pseudonyms is made once and kept out of the week."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from pydantic import SecretStr

from checks.transcripts.pseudonyms import Pseudonyms
from checks.transcripts.transcript import CONTACTS_SCHEMA
from flows.config.settings import Settings
from flows.publish.output_masking import mask_week, pseudonym_key, pseudonym_key_name
from flows.select.ledger import LEDGER_SCHEMA, WeekSelection
from flows.stores.local import LocalStore

PHONE = "+15551234567"
MAIL = "jo.doe@example.com"
AGENT = "maya.lin@acme.example"  # an agent's id is no customer's data: it stays


def _week() -> tuple[WeekSelection, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    keys = {
        PHONE: f"t/2026/11/17/{PHONE}.json",
        MAIL: f"t/2026/11/17/{MAIL}.json",
        "c-1": "t/c-1.json",
    }
    ledger = pl.DataFrame(
        {
            "key": [*keys.values(), "t/bad-555-201-3344.json"],
            "contact_id": [PHONE, MAIL, "c-1", None],
            "agent_id": [AGENT, AGENT, AGENT, None],
            "state": ["scored", "scored", "duplicate", "quarantined"],
            "reason": [
                None,
                None,
                f"another file holds this contact: {keys[PHONE]}",
                "turn 2: call me on 555 201 3344",
            ],
        },
        schema=LEDGER_SCHEMA,
    )
    at = datetime(2026, 11, 17, tzinfo=UTC)
    sampled = pl.DataFrame(
        [(cid, AGENT, "Maya Lin", "Billing", at, "chat", "en", keys[cid]) for cid in (PHONE, MAIL)],
        schema=CONTACTS_SCHEMA,
        orient="row",
    )
    scores = pl.DataFrame(
        {"contact_id": [PHONE, MAIL], "agent_id": [AGENT, AGENT], "overall": [70.0, 80.0]}
    )
    turns = pl.DataFrame(
        {"contact_id": [PHONE, PHONE, MAIL], "turn": [0, 1, 0], "text": ["hi", "x", "y"]}
    )
    return WeekSelection(ledger, sampled), scores, scores.clone(), turns


def test_every_table_gets_the_same_pseudonyms_and_no_raw_value() -> None:
    names = Pseudonyms(b"s" * 32)
    selection, scores, findings, turns = _week()
    masked = mask_week(names, selection, scores, findings, turns)
    tables = [
        masked.selection.ledger,
        masked.selection.sampled,
        masked.scores,
        masked.findings,
        masked.turns,
    ]
    for table in tables:
        text = table.write_csv()
        assert PHONE not in text
        assert MAIL not in text
        assert "555 201 3344" not in text
        assert "5551234567" not in text
    expected = {names.of_id(PHONE), names.of_id(MAIL)}
    for table in tables:
        assert set(table["contact_id"].drop_nulls()) - {"c-1"} == expected
    ledger = masked.selection.ledger
    assert ledger["agent_id"].drop_nulls().unique().to_list() == [AGENT]
    assert f"t/2026/11/17/{names.of_id(PHONE)}.json" in ledger["key"].to_list()
    assert "t/c-1.json" in ledger["key"].to_list()
    reasons = ledger["reason"].drop_nulls().to_list()
    assert f"another file holds this contact: t/2026/11/17/{names.of_id(PHONE)}.json" in reasons
    assert "turn 2: call me on [phone]" in reasons
    assert masked.selection.sampled["source_key"].to_list() == [
        f"t/2026/11/17/{names.of_id(PHONE)}.json",
        f"t/2026/11/17/{names.of_id(MAIL)}.json",
    ]
    assert masked.pseudonyms[PHONE] == names.of_id(PHONE)


def test_the_key_is_made_once_outside_the_weeks_and_the_setting_wins(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    settings = Settings(store="local", local_root=tmp_path, output_prefix="scorecards")
    first = pseudonym_key(settings, store)
    assert len(first) == 64
    assert pseudonym_key(settings, store) == first
    assert pseudonym_key_name("scorecards") == "scorecards/.keys/pseudonyms.key"
    assert (tmp_path / "scorecards/.keys/pseudonyms.key").read_bytes() == first
    chosen = settings.model_copy(update={"pseudonym_key": SecretStr("from-a-secret-store-0123")})
    assert pseudonym_key(chosen, store) == b"from-a-secret-store-0123"
    assert "from-a-secret-store" not in repr(chosen)


def test_a_short_pseudonym_key_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="pseudonym_key must be at least 16 bytes"):
        Settings(pseudonym_key="short")


def test_the_coaching_picks_are_kept_and_masked_as_the_sample_is() -> None:
    names = Pseudonyms(b"s" * 32)
    selection, scores, findings, turns = _week()
    picks, sample = selection.sampled.head(1), selection.sampled.tail(1)
    week = WeekSelection(selection.ledger, sample, picks)

    masked = mask_week(names, week, scores, findings, turns).selection

    assert masked.picks is not None
    assert masked.picks["contact_id"].to_list() == [names.of_id(PHONE)]
    assert masked.picks["source_key"].to_list() == [f"t/2026/11/17/{names.of_id(PHONE)}.json"]
    assert masked.to_score.height == 2  # the sample and the pick, both still to be reported
