"""Attribution failures: why a source gave nothing, and failed files as outputs show them."""

from __future__ import annotations

from checks.transcripts.pseudonyms import Pseudonyms
from flows.ingest.attribution import AgentRef, Attribution
from flows.ingest.attribution_failures import published_failures, source_failure


def test_a_source_fails_when_it_gave_nothing_and_said_why() -> None:
    assert source_failure(Attribution(problems=("roster unreadable: no column",))) == (
        "roster unreadable: no column"
    )
    many = Attribution(problems=("malformed contact record at offset 0", "b", "c"))
    assert source_failure(many) == "malformed contact record at offset 0 (and 2 more problems)"
    assert source_failure(Attribution()) is None  # an empty file: nothing to say
    partly = Attribution(by_contact={"c-1": AgentRef("a-1")}, problems=("roster line 3: blank",))
    assert source_failure(partly) is None  # some rows skipped: a problem, not a failed file


def test_published_failures_hide_pii_in_keys_and_reasons() -> None:
    names = Pseudonyms(b"p" * 32)
    # an attribution that found nobody (len 0, so falsy) still reports its failed files
    found_nobody = Attribution(
        failed_sources=(
            ("rosters/jo.doe@example.com.csv", "roster unreadable: header 'call 555 201 3344'"),
        )
    )
    assert not found_nobody
    ((key, reason),) = published_failures(found_nobody, names)
    assert key == f"rosters/{names.of_id('jo.doe@example.com')}.csv"
    assert reason == "roster unreadable: header 'call [phone]'"
    assert published_failures(None, names) == ()
