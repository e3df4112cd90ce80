from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from checks.criteria.scoring import score_turns
from checks.rubric.rubric import load_rubric
from checks.transcripts.transcript import Contact, Turn, contacts_frame, turns_frame
from flows.config.weeks import IsoWeek
from flows.ingest.formats import Quarantine
from flows.select.ledger import STATES, mark_unsupported_language, sampled_turns, select_week

WEEK = IsoWeek.parse("2026-W47")
START, END = WEEK.bounds("UTC")


def _contact(cid: str, agent: str | None, key: str, day: int = 17) -> Contact:
    return Contact(
        cid,
        agent,
        (Turn("customer", "hi"), Turn("agent", "hello")),
        started_at=datetime(2026, 11, day, 10, tzinfo=UTC),
        source_key=key,
    )


def test_every_entry_ends_in_exactly_one_state() -> None:
    contacts = [
        *[_contact(f"c{i}", "a1", f"k/{i}.json") for i in range(7)],
        _contact("c0", "a1", "k/Redacted/c0_analysis_redacted_1.json"),
        _contact("u1", None, "k/u1.json"),
        _contact("old", "a1", "k/old.json", day=9),
    ]
    quarantined = [Quarantine("k/broken.json", "malformed JSON")]
    sel = select_week(
        contacts_frame(contacts), quarantined, week=str(WEEK), start=START, end=END, sample_size=5
    )
    states = dict(sel.ledger.group_by("state").len().iter_rows())
    assert states == {
        "scored": 5,
        "not_sampled": 2,
        "duplicate": 1,
        "unattributed": 1,
        "outside_week": 1,
        "quarantined": 1,
    }
    assert sel.ledger.height == len(contacts) + len(quarantined)
    kept = sel.ledger.filter(pl.col("contact_id") == "c0", pl.col("state") != "duplicate")
    assert kept["key"].to_list() == ["k/Redacted/c0_analysis_redacted_1.json"]
    assert set(sel.sampled["contact_id"]) <= {f"c{i}" for i in range(7)}
    reasons = sel.ledger.filter(pl.col("state") == "quarantined")["reason"].to_list()
    assert reasons == ["malformed JSON"]


def test_duplicate_rule_prefers_redacted_then_greatest_key_in_any_order() -> None:
    raw = _contact("c-1", "a1", "A/Analysis/Voice/2026/11/16/c-1_analysis_x.json")
    red = _contact("c-1", "a1", "A/Analysis/Voice/Redacted/2026/11/16/c-1_analysis_redacted_x.json")
    one = _contact("c-2", "a1", "t/2026/11/16/one.json")
    two = _contact("c-2", "a1", "t/2026/11/17/two.json")
    for order in ([raw, red, one, two], [two, one, red, raw]):
        sel = select_week(
            contacts_frame(order), [], week=str(WEEK), start=START, end=END, sample_size=None
        )
        kept = set(sel.ledger.filter(pl.col("state") == "scored")["key"])
        assert kept == {red.source_key, two.source_key}
        dupes = set(sel.ledger.filter(pl.col("state") == "duplicate")["key"])
        assert dupes == {raw.source_key, one.source_key}


def _file_copy(cid: str, key: str, *texts: str) -> Contact:
    turns = tuple(Turn("customer" if i % 2 == 0 else "agent", t) for i, t in enumerate(texts))
    return Contact(
        cid, "a-1", turns, started_at=datetime(2026, 11, 17, 9, tzinfo=UTC), source_key=key
    )


def test_sampled_turns_come_from_the_kept_file_only() -> None:
    loaded = [
        _file_copy("c1", "in/a.json", "old copy", "old reply"),
        _file_copy("c2", "in/b.json", "only copy"),
        _file_copy("c1", "in/c.json", "new copy", "new reply", "more"),
    ]
    contacts, turns = contacts_frame(loaded), turns_frame(loaded)
    for kept_key, expected in [
        ("in/c.json", ["new copy", "new reply", "more"]),
        ("in/a.json", ["old copy", "old reply"]),
    ]:
        sampled = contacts.filter(
            (pl.col("contact_id") == "c2") | (pl.col("source_key") == kept_key)
        )
        got = sampled_turns(contacts, turns, sampled)
        assert got.columns == turns.columns
        assert got.filter(pl.col("contact_id") == "c1")["text"].to_list() == expected
        assert got.filter(pl.col("contact_id") == "c2")["text"].to_list() == ["only copy"]


def test_sampled_turns_without_duplicates() -> None:
    loaded = [_file_copy(f"c{i}", f"in/{i}.json", "hello", "hi") for i in range(4)]
    contacts, turns = contacts_frame(loaded), turns_frame(loaded)
    assert sampled_turns(contacts, turns, contacts) is turns  # all sampled: no copy
    some = contacts.filter(pl.col("contact_id").is_in(["c1", "c3"]))
    got = sampled_turns(contacts, turns, some)
    assert sorted(set(got["contact_id"])) == ["c1", "c3"]
    assert got.height == 4


def test_week_bounds_in_any_zone_meet_utc_timestamps() -> None:
    # Monday 00:00 in Berlin is Sunday 23:00 UTC: the bounds come in the configured zone.
    start, end = WEEK.bounds("Europe/Berlin")
    at = {"before": (15, 22, 59), "first": (15, 23, 1), "last": (22, 22, 59), "after": (22, 23, 1)}
    contacts = [
        Contact(
            cid,
            "a1",
            (Turn("customer", "hi"), Turn("agent", "hello")),
            started_at=datetime(2026, 11, day, hour, minute, tzinfo=UTC),
            source_key=f"k/{cid}.json",
        )
        for cid, (day, hour, minute) in at.items()
    ]
    sel = select_week(
        contacts_frame(contacts), [], week=str(WEEK), start=start, end=end, sample_size=None
    )
    states = dict(sel.ledger.select("contact_id", "state").iter_rows())
    assert states == {
        "before": "outside_week",
        "first": "scored",
        "last": "scored",
        "after": "outside_week",
    }


def test_a_sampled_contact_in_an_unsupported_language_ends_in_that_state_alone() -> None:
    spanish = (
        Turn("customer", "Hola, mi pedido no ha llegado todavía y necesito saber dónde está."),
        Turn("agent", "Lo siento mucho, ahora mismo lo reviso. ¿Me da su número de pedido?"),
    )
    english = (
        Turn("customer", "Hi, my parcel still hasn't arrived and I need it for the weekend."),
        Turn("agent", "I'm sorry about that, let me check the tracking for you right away."),
    )
    day = datetime(2026, 11, 17, 10, tzinfo=UTC)
    contacts = [
        Contact("es-1", "a1", spanish, started_at=day, source_key="k/Redacted/es-1_redacted.json"),
        Contact("es-1", "a1", spanish, started_at=day, source_key="k/es-1.json"),  # raw copy
        *[
            Contact(f"en-{i}", "a1", english, started_at=day, source_key=f"k/{i}.json")
            for i in (1, 2)
        ],
        Contact("en-3", "a2", english, started_at=day, source_key="k/3.json"),
    ]
    frame = contacts_frame(contacts)
    sel = select_week(frame, [], week=str(WEEK), start=START, end=END, sample_size=None)
    batch = score_turns(sampled_turns(frame, turns_frame(contacts), sel.sampled), load_rubric())

    marked = mark_unsupported_language(sel, batch.scores)

    assert "unsupported_language" in STATES
    assert marked.ledger.height == sel.ledger.height == len(contacts)
    ends = marked.ledger.select("contact_id", "state", "reason").sort("contact_id", "state")
    assert ends.rows() == [
        ("en-1", "scored", None),
        ("en-2", "scored", None),
        ("en-3", "scored", None),
        ("es-1", "duplicate", "same contact id in another file (kept that one)"),
        ("es-1", "unsupported_language", "language es is not one the rubric has phrase lists for"),
    ]
    assert marked.sampled.equals(sel.sampled)
    # Nothing unsupported: the selection comes back as it was.
    english_only = batch.scores.filter(pl.col("state") == "scored")
    assert mark_unsupported_language(sel, english_only) is sel
