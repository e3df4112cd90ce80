"""The whole weekly flow in several zones, DST weeks included: each contact lands in the week
of its local calendar date in the configured zone, whichever UTC day partition holds it."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from typer.testing import CliRunner

from checks.transcripts.transcript import Contact
from flows.cli.app import app
from flows.config.settings import Settings
from flows.config.weeks import IsoWeek
from flows.examples.generate import generate_week, week_files
from flows.pipeline.weekly import weekly_audit
from flows.stores.s3 import S3Store

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]


@dataclasses.dataclass(frozen=True)
class Case:
    """A week in a zone: its bounds as a reader expects them, and contacts placed around them
    (UTC instants, each with the local time it is in that zone)."""

    zone: str
    week: str
    start: str
    end: str
    instants: tuple[str, ...]


CASES = [
    Case(
        "Europe/Berlin",
        "2026-W47",
        "2026-11-16T00:00:00+01:00",
        "2026-11-23T00:00:00+01:00",
        (
            "2026-11-15T22:59:00Z",  # Sun 23:59 CET: the week before
            "2026-11-15T23:01:00Z",  # Mon 00:01 CET, still Sunday in UTC
            "2026-11-18T12:00:00Z",  # Wed 13:00
            "2026-11-22T22:59:00Z",  # Sun 23:59
            "2026-11-22T23:01:00Z",  # Mon 00:01: the week after
        ),
    ),
    Case(  # daylight saving time ends on Sunday 1 November: a week of 169 hours
        "America/Los_Angeles",
        "2026-W44",
        "2026-10-26T00:00:00-07:00",
        "2026-11-02T00:00:00-08:00",
        (
            "2026-10-26T06:59:00Z",  # Sun 23:59 PDT: the week before
            "2026-10-26T07:01:00Z",  # Mon 00:01 PDT
            "2026-11-01T08:30:00Z",  # 01:30 PDT, the first of the repeated hour
            "2026-11-01T09:30:00Z",  # 01:30 PST, the second
            "2026-11-02T07:30:00Z",  # Sun 23:30 PST (an end taken at PDT would drop it)
            "2026-11-02T08:01:00Z",  # Mon 00:01 PST: the week after
        ),
    ),
    Case(  # half an hour off UTC, no DST
        "Asia/Kolkata",
        "2026-W47",
        "2026-11-16T00:00:00+05:30",
        "2026-11-23T00:00:00+05:30",
        (
            "2026-11-15T18:29:00Z",  # Sun 23:59 IST: the week before
            "2026-11-15T18:31:00Z",  # Mon 00:01 IST
            "2026-11-22T18:29:00Z",  # Sun 23:59
            "2026-11-22T18:31:00Z",  # Mon 00:01: the week after
        ),
    ),
    Case(  # daylight saving time starts on Sunday 29 March: a week of 167 hours
        "Europe/Berlin",
        "2026-W13",
        "2026-03-23T00:00:00+01:00",
        "2026-03-30T00:00:00+02:00",
        (
            "2026-03-22T22:59:00Z",  # Sun 23:59 CET: the week before
            "2026-03-22T23:01:00Z",  # Mon 00:01 CET
            "2026-03-29T00:30:00Z",  # 01:30 CET, before the clocks go forward
            "2026-03-29T01:30:00Z",  # 03:30 CEST, after
            "2026-03-29T21:59:00Z",  # Sun 23:59 CEST
            "2026-03-29T22:30:00Z",  # Mon 00:30 CEST (an end taken at CET would keep it)
        ),
    ),
]


def local_week(contact: Contact, zone: str) -> str:
    """The ISO week of the contact's local calendar date in the zone: what a reader expects."""
    assert contact.started_at is not None
    return str(IsoWeek.of(contact.started_at.astimezone(ZoneInfo(zone)).date()))


@pytest.fixture(scope="module")
def zoned_bucket(s3_endpoint: str) -> tuple[S3Store, list[Contact]]:
    """Generated contacts of two agents moved to the instants of every case, in a bucket
    partitioned by UTC day as the transcripts arrive."""
    import boto3

    store = S3Store("zoned-contacts", endpoint_url=s3_endpoint)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=store.bucket
    )
    instants = sorted({at for case in CASES for at in case.instants})
    templates = generate_week("2026-W47", n_agents=2, seed=11)
    contacts = [
        dataclasses.replace(
            templates[i % len(templates)],
            contact_id=f"tz-{i:02d}",
            started_at=datetime.fromisoformat(at),
        )
        for i, at in enumerate(instants)
    ]
    for key, data in week_files(contacts, "transcripts", with_broken=False):
        store.put(key, data)
    return store, contacts


def _output(store: S3Store, prefix: str, week: str, name: str) -> bytes:
    return store.get(f"{prefix}/{week}/{name}")


def _run(case: Case, store: S3Store, prefix: str, tmp_path: Path) -> None:
    if case.zone == "Europe/Berlin" and case.week == "2026-W47":
        # As a user runs it: the command line with --timezone.
        result = CliRunner().invoke(
            app,
            [
                "run",
                "--week",
                case.week,
                "--timezone",
                case.zone,
                "--endpoint-url",
                store.endpoint_url or "",
                "--bucket",
                store.bucket,
                "--output-prefix",
                prefix,
                "--sample",
                "all",
                "--out-dir",
                str(tmp_path / "out"),
            ],
            env={"RAPPORT_RENDER_WORKERS": "1"},
        )
        assert result.exit_code == 0, result.output
        return
    settings = Settings(
        bucket=store.bucket,
        endpoint_url=store.endpoint_url,
        output_prefix=prefix,
        timezone=case.zone,
        sample="all",
        out_dir=None,
        render_workers=1,
    )
    weekly_audit(week=case.week, settings=settings)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.zone}-{c.week}")
def test_each_contact_lands_in_the_week_of_its_local_date(
    case: Case, zoned_bucket: tuple[S3Store, list[Contact]], tmp_path: Path
) -> None:
    store, contacts = zoned_bucket
    prefix = f"scorecards-{case.zone.replace('/', '-').lower()}-{case.week.lower()}"

    _run(case, store, prefix, tmp_path)

    manifest: dict[str, Any] = json.loads(_output(store, prefix, case.week, "manifest.json"))
    assert (manifest["timezone"], manifest["start"], manifest["end"]) == (
        case.zone,
        case.start,
        case.end,
    )
    ledger = pl.read_csv(io.BytesIO(_output(store, prefix, case.week, "ledger.csv")))
    state = dict(zip(ledger["contact_id"], ledger["state"], strict=True))
    expected = {c.contact_id for c in contacts if local_week(c, case.zone) == case.week}
    assert {cid for cid, s in state.items() if s == "scored"} == expected
    # Everything else that was listed (the partitions hold other days too) is outside it.
    assert {s for cid, s in state.items() if cid not in expected} <= {"outside_week"}
    # The cases' edges really are edges: contacts just outside the week were listed and
    # set aside, so the boundary itself decided.
    assert any(s == "outside_week" for s in state.values())
    scores = pl.read_csv(io.BytesIO(_output(store, prefix, case.week, "scores.csv")))
    assert set(scores["contact_id"]) == expected
