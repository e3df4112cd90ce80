"""A week whose listing names every file's agent is audited chunk by chunk of agents in
workers, and publishes exactly what loading the whole week in the flow process publishes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from checks.transcripts.transcript import Contact
from flows.config.settings import Settings
from flows.examples.generate import generate_week
from flows.examples.writers import to_contact_lens, to_ctr_files
from flows.pipeline.execution import weekly_flow
from flows.stores.s3 import S3Store

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = "2026-W47"
FLOAT_TABLES = ("scores.csv", "agents.csv")
PREFIXES = "Analysis/Voice,Analysis/Voice/Redacted,Analysis/Chat,Analysis/Chat/Redacted"


def _put_week(store: S3Store) -> list[Contact]:
    contacts = generate_week(WEEK, seed=11)
    for n, c in enumerate(contacts):
        for redacted in (False, True):
            key, data = to_contact_lens(c, redacted=redacted)
            # every 40th contact unreadable (quarantined), every 53rd only its raw copy
            broken = n % 40 == 7 or (redacted and n % 53 == 3)
            store.put(key, b"{ not json" if broken else data)
    for key, data in to_ctr_files(contacts):
        store.put(key, data)
    return contacts


def _run(store: S3Store, out: str, **overrides: Any) -> tuple[dict[str, Any], dict[str, bytes]]:
    settings = Settings(
        store="s3",
        bucket=store.bucket,
        endpoint_url=store.endpoint_url,
        output_prefix=out,
        input_prefix=PREFIXES,
        ctr_prefix="ctr",
        timezone="America/New_York",
        **{"out_dir": None, **overrides},
    )
    summary = weekly_flow(settings)(week=WEEK, settings=settings)  # Dask when asked
    prefix = f"{out}/{WEEK}/"
    files = {obj.key[len(prefix) :]: store.get(obj.key) for obj in store.list(prefix)}
    return summary, files


@pytest.mark.parametrize(
    "overrides",
    [
        {"sample": "5"},
        {"sample": "all", "coaching_picks": 1, "sample_policy": "random"},
        # a real LocalCluster, chunks as Dask tasks, leaving their files in S3 as workers on
        # other machines would
        {"sample": "3", "dask_workers": 2, "scratch_dir": "s3://{bucket}/scratch"},
    ],
    ids=["sample-first", "all-with-picks", "dask"],
)
def test_chunks_of_agents_publish_what_the_whole_week_does(
    s3_store: S3Store, overrides: dict[str, Any]
) -> None:
    contacts = _put_week(s3_store)
    if "scratch_dir" in overrides:
        overrides["scratch_dir"] = overrides["scratch_dir"].format(bucket=s3_store.bucket)
    chunked, chunk_files = _run(s3_store, "chunks", **overrides)
    assert list(s3_store.list("scratch/")) == []  # the run's scratch is gone with it
    whole, whole_files = _run(s3_store, "whole", whole_week=True, **overrides)
    assert "load+score" in chunked["timings"]  # in workers, chunk by chunk
    assert "load" in whole["timings"]
    assert chunked["agents"] == whole["agents"] == len({c.agent_id for c in contacts})
    assert sorted(chunk_files) == sorted(whole_files)
    assert any(name.endswith(".pdf") for name in chunk_files)
    chunk_manifest = json.loads(chunk_files.pop("manifest.json"))
    whole_manifest = json.loads(whole_files.pop("manifest.json"))
    # one polars thread per worker sums in another order than the flow process's pool: the
    # tables' means may differ in the last bit of a float (never in what a PDF shows)
    for name in FLOAT_TABLES:
        assert_frame_equal(
            pl.read_csv(io.BytesIO(chunk_files.pop(name)), infer_schema_length=None),
            pl.read_csv(io.BytesIO(whole_files.pop(name)), infer_schema_length=None),
            rel_tol=1e-12,
        )
    for manifest in (chunk_manifest, whole_manifest):
        manifest.pop("generated_at")
        for name in (*FLOAT_TABLES, "scores.parquet"):
            manifest["files"].pop(name)
    assert chunk_manifest == whole_manifest  # counts, sample, quarantine, the PDFs' hashes
    assert chunk_manifest["counts"]["quarantined"] > 0
    chunk_files.pop("scores.parquet")
    different = [name for name in chunk_files if chunk_files[name] != whole_files[name]]
    assert different == []  # the ledger and every PDF byte for byte


def test_an_outside_dask_cluster_shares_no_folder_with_the_flow(
    s3_store: S3Store, tmp_path: Path
) -> None:
    from distributed import LocalCluster

    _put_week(s3_store)
    out = tmp_path / "out"
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        summary, files = _run(
            s3_store, "outside", sample="3", dask_address=cluster.scheduler_address, out_dir=out
        )
    assert "load+score" in summary["timings"]
    # the chunks' scratch was a prefix of the output bucket, gone with the run
    assert list(s3_store.list("outside/_scratch/")) == []
    # the local copy is whole: the flow copied the cards the workers uploaded
    local = {p.name: p.read_bytes() for p in (out / WEEK).iterdir()}
    assert sorted(local) == sorted(files)
    pdfs = [name for name in files if name.endswith(".pdf")]
    assert pdfs
    assert all(local[name] == files[name] for name in pdfs)
    local_manifest, manifest = (json.loads(m["manifest.json"]) for m in (local, files))
    assert local_manifest["files"] == manifest["files"]
