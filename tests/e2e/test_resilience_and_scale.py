"""The same week gives the same outputs through injected S3 faults and on a Dask cluster."""

from __future__ import annotations

import io

import polars as pl
import pytest
from pypdf import PdfReader

from flows.ingest import load_workers
from flows.pipeline.execution import weekly_flow
from flows.pipeline.weekly import weekly_audit
from tests.e2e.conftest import WEEKS, Bucket
from tests.support.faulty_s3 import FAULTS, FaultPlan, faulty_s3

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = WEEKS[-1]


def _ledger(bucket: Bucket) -> pl.DataFrame:
    data = bucket.store.get(bucket.key(WEEK, "ledger.csv"))
    return pl.read_csv(io.BytesIO(data)).sort("key", "contact_id")


def _text(bucket: Bucket, name: str) -> str:
    reader = PdfReader(io.BytesIO(bucket.store.get(bucket.key(WEEK, name))))
    return "".join(page.extract_text() or "" for page in reader.pages)


def test_week_completes_through_throttling_5xx_and_dropped_connections(
    generated_bucket: Bucket,
) -> None:
    bucket = generated_bucket
    weekly_audit(week=WEEK, settings=bucket.settings())
    clean_scores, clean_ledger = bucket.scores(WEEK), _ledger(bucket)
    clean_files = set(bucket.manifest(WEEK)["files"])

    plan = FaultPlan(every=6)
    with faulty_s3(bucket.store.endpoint_url or "", plan) as flaky_url:
        settings = bucket.settings().model_copy(update={"endpoint_url": flaky_url})
        weekly_audit(week=WEEK, settings=settings)

    assert set(plan.injected) == set(FAULTS), plan.injected
    assert bucket.scores(WEEK).equals(clean_scores)
    ledger = _ledger(bucket)
    assert ledger.equals(clean_ledger)
    assert ledger.filter(pl.col("contact_id").is_not_null())["contact_id"].is_unique().all()
    manifest = bucket.manifest(WEEK)
    assert set(manifest["files"]) == clean_files
    published = [o.key for o in bucket.store.list(bucket.key(WEEK, ""))]
    assert len(published) == len(clean_files) + 1


def test_dask_local_cluster_gives_the_same_outputs_as_the_default_runner(
    generated_bucket: Bucket,
) -> None:
    bucket = generated_bucket
    weekly_audit(week=WEEK, settings=bucket.settings())
    default_manifest, default_scores = bucket.manifest(WEEK), bucket.scores(WEEK)
    agent = sorted(default_manifest["sampled"])[0]
    default_text = _text(bucket, f"{agent}.pdf")

    settings = bucket.settings(dask_workers=2)
    weekly_flow(settings)(week=WEEK, settings=settings)

    manifest = bucket.manifest(WEEK)
    assert manifest["sampled"] == default_manifest["sampled"]
    assert manifest["counts"] == default_manifest["counts"]
    assert set(manifest["files"]) == set(default_manifest["files"])
    assert bucket.scores(WEEK).equals(default_scores)
    assert _text(bucket, f"{agent}.pdf") == default_text


def test_loading_in_worker_processes_gives_the_same_outputs_as_threads(
    generated_bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = generated_bucket
    weekly_audit(week=WEEK, settings=bucket.settings(load_workers=1, shard_size=4))
    threads_manifest, threads_scores = bucket.manifest(WEEK), bucket.scores(WEEK)
    threads_ledger = _ledger(bucket)

    monkeypatch.setattr(load_workers, "MIN_FILES_FOR_PROCESSES", 1)
    settings = bucket.settings(load_workers=2, shard_size=4)
    assert load_workers.wants_processes(settings, 2)
    weekly_audit(week=WEEK, settings=settings)

    manifest = bucket.manifest(WEEK)
    assert manifest["sampled"] == threads_manifest["sampled"]
    assert manifest["counts"] == threads_manifest["counts"]
    assert manifest["quarantined"] == threads_manifest["quarantined"]
    assert manifest["counts"]["quarantined"] > 0  # the generated broken files
    assert bucket.scores(WEEK).equals(threads_scores)
    assert _ledger(bucket).equals(threads_ledger)
