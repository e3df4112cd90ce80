"""The same week stored as Contact Lens + contact records, or as CSV + roster, scores the same."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from checks.criteria.results import SCORES_SCHEMA
from checks.transcripts.transcript import Contact, Turn
from flows.config.settings import Settings
from flows.examples.generate import generate_week, week_files
from flows.examples.writers import to_contact_lens, to_csv_rows, to_ctr_files, to_roster_csv
from flows.pipeline.weekly import weekly_audit
from flows.stores.s3 import S3Store

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = "2026-W47"
SCORE_COLUMNS = list(SCORES_SCHEMA.names())


def _run(store: S3Store, tmp: str, **overrides: object) -> tuple[pl.DataFrame, pl.DataFrame]:
    settings = Settings(
        store="s3",
        bucket=store.bucket,
        endpoint_url=store.endpoint_url,
        out_dir=None,
        output_prefix=tmp,
        sample="all",
        **overrides,  # type: ignore[arg-type]
    )
    weekly_audit(week=WEEK, settings=settings)
    scores = pl.read_parquet(io.BytesIO(store.get(f"{tmp}/{WEEK}/scores.parquet")))
    ledger = pl.read_csv(io.BytesIO(store.get(f"{tmp}/{WEEK}/ledger.csv")))
    return scores.select(SCORE_COLUMNS).sort("contact_id"), ledger


def _by_day(contacts: list[Contact]) -> dict[str, list[Contact]]:
    days: dict[str, list[Contact]] = defaultdict(list)
    for c in contacts:
        assert c.started_at is not None
        days[f"{c.started_at.astimezone(UTC):%Y/%m/%d}"].append(c)
    return days


def test_contact_lens_with_ctrs_and_csv_with_roster_match_canonical(s3_store: S3Store) -> None:
    contacts = generate_week(WEEK, seed=3)
    for key, data in week_files(contacts, "transcripts", with_broken=False):
        s3_store.put(key, data)
    canonical, _ = _run(s3_store, "canon")

    # Contact Lens: raw and redacted copies, agents only in the contact records.
    for c in contacts:
        for redacted in (False, True):
            key, data = to_contact_lens(c, redacted=redacted)
            s3_store.put(key, data)
    for key, data in to_ctr_files(contacts):
        s3_store.put(key, data)
    orphan = Contact(
        "c-orphan",
        None,
        (Turn("customer", "Where is my parcel? It is late again."), Turn("agent", "Let me check.")),
        started_at=datetime(2026, 11, 18, 10, tzinfo=UTC) + timedelta(minutes=3),
        channel="voice",
    )
    s3_store.put(*to_contact_lens(orphan))
    lens, lens_ledger = _run(
        s3_store,
        "lens",
        input_prefix="Analysis/Voice,Analysis/Voice/Redacted,Analysis/Chat,Analysis/Chat/Redacted",
        ctr_prefix="ctr",
    )
    assert lens.drop("rubric_version").equals(canonical.drop("rubric_version"))
    states = dict(lens_ledger.group_by("state").len().iter_rows())
    assert states["scored"] == len(contacts)
    assert states["duplicate"] == len(contacts)  # the raw copy of every redacted contact
    assert states["unattributed"] == 1
    dupes = lens_ledger.filter(pl.col("state") == "duplicate")["key"]
    assert all("/Redacted/" not in k for k in dupes)

    # CSV, one row per turn, agents from a roster.
    for day, group in _by_day(contacts).items():
        anonymous = [
            Contact(c.contact_id, None, c.turns, c.started_at, channel=c.channel) for c in group
        ]
        s3_store.put(f"csv/{day}/turns.csv", to_csv_rows(anonymous))
    s3_store.put("rosters/roster.csv", to_roster_csv(contacts))
    csv, _ = _run(s3_store, "csv", input_prefix="csv", roster="rosters/roster.csv")
    assert csv.drop("rubric_version").equals(canonical.drop("rubric_version"))
