"""Rapport's log records carry no personal data (issue 18, hole 6), tracebacks included;
UUIDs and other loggers' records are left as they are."""

from __future__ import annotations

import io
import logging

from flows.runtime.log_masking import MaskedLine, install_log_masking, mask_log_text

RUN_ID = "0193a1b2-1234-5678-9012-345678901234"


def _capture(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream


def test_rapport_records_and_their_tracebacks_are_masked() -> None:
    install_log_masking()
    install_log_masking()  # once is enough: a second call changes nothing
    logger, stream = _capture("flows.some_stage")
    logger.warning("quarantined %s: %s", "in/+15551234567.json", "mail jo.doe@example.com")
    try:
        raise ValueError("reading s3://b/in/john dot doe at example dot com.json failed")
    except ValueError:
        logger.exception("run %s failed", RUN_ID)
    out = stream.getvalue()
    assert "5551234567" not in out
    assert "jo.doe" not in out
    assert "john dot doe" not in out
    assert "[phone]" in out
    assert "[email]" in out
    assert "ValueError" in out
    assert RUN_ID in out


def test_other_loggers_are_left_alone() -> None:
    install_log_masking()
    logger, stream = _capture("somebody.else")
    logger.info("call +15551234567")
    assert "+15551234567" in stream.getvalue()


def test_uuids_survive_masking() -> None:
    assert (
        mask_log_text(f"view at /runs/{RUN_ID} for +15551234567")
        == f"view at /runs/{RUN_ID} for [phone]"
    )


def test_keys_are_masked_by_name_like_ids_so_ordinary_keys_stay_readable() -> None:
    plain = "reading s3://b/transcripts/2026/11/16/c-2026w47-001-001.json: access denied"
    assert mask_log_text(plain) == plain
    dated = "listing s3://b/ctr/2026/11/16/contacts-20261116-01.jsonl at 2026-11-17T09:00:00Z"
    assert mask_log_text(dated) == dated
    told = "quarantined in/+15551234567.json: call 555 201 3344 now"
    assert mask_log_text(told) == "quarantined in/[phone].json: call [phone] now"


def test_figures_given_as_arguments_stay_whole_and_text_around_them_is_masked() -> None:
    install_log_masking()
    logger, stream = _capture("flows.listing")
    logger.info("Listed %d files (%.1f MB) in %.1f s", 1_000_000, 4269.0, 41.0)
    logger.info("Read %d of %d files under %s", 10_000, 1_250_000, "in/+15551234567/")
    logger.info("%r from %s", "jo.doe@example.com", "caller 5551234567")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Listed 1000000 files (4269.0 MB) in 41.0 s"
    assert lines[1] == "Read 10000 of 1250000 files under in/[phone]/"
    assert lines[2] == "'[email]' from caller [phone]"


def test_a_number_written_into_the_message_itself_is_still_masked() -> None:
    install_log_masking()
    logger, stream = _capture("flows.account")
    logger.info("account 12345678 closed, %d contacts", 3)
    assert stream.getvalue().strip() == "account [id] closed, 3 contacts"


def test_a_line_masked_by_a_worker_is_logged_again_as_it_is() -> None:
    install_log_masking()
    worker, said = _capture("rapport.plan")
    worker.info("Listed %d files under %s", 1_000_000, "in/+15551234567/")
    line = said.getvalue().strip()
    flow, stream = _capture("flows.pipeline.flow_log")
    flow.info("%s", MaskedLine(line))
    assert stream.getvalue().strip() == line == "Listed 1000000 files under in/[phone]/"


def test_text_split_between_format_and_arguments_is_masked_as_one_line() -> None:
    install_log_masking()
    logger, stream = _capture("flows.split")
    logger.info("call 555%s1234567 within %d s", "-", 3)
    logger.info("%s of %d%% done", "mail jo.doe@example.com", 40)
    lines = stream.getvalue().splitlines()
    assert lines == ["call [phone] within 3 s", "mail [email] of 40% done"]
