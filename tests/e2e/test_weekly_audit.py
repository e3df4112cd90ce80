"""The weekly flow end to end: moto's S3 server over HTTP, Prefect, WeasyPrint, PDFs read back."""

from __future__ import annotations

import hashlib
import io
import re

import polars as pl
import pytest
from pypdf import PdfReader

from flows.pipeline.weekly import weekly_audit
from tests.e2e.conftest import WEEKS, Bucket

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_weekly_audit_publishes_scorecards_that_match_the_score_table(
    generated_bucket: Bucket,
) -> None:
    bucket = generated_bucket
    settings = bucket.settings()
    for week in WEEKS:
        weekly_audit(week=week, settings=settings)
    week = WEEKS[-1]
    manifest = bucket.manifest(week)
    scores = bucket.scores(week)

    # The manifest is complete and every hash matches the published object.
    assert manifest["week"] == week
    assert manifest["rubric_version"]
    for name, meta in manifest["files"].items():
        data = bucket.store.get(bucket.key(week, name))
        assert hashlib.sha256(data).hexdigest() == meta["sha256"], name
    published = {o.key.rsplit("/", 1)[1] for o in bucket.store.list(bucket.key(week, ""))}
    assert published == set(manifest["files"]) | {"manifest.json"}

    # One PDF per sampled agent, and the sample is what the score table holds.
    sampled = manifest["sampled"]
    assert len(sampled) == 8
    assert all(len(ids) == 5 for ids in sampled.values())
    assert set(scores["contact_id"]) == {c for ids in sampled.values() for c in ids}
    assert manifest["counts"]["scored"] == scores.height
    assert {f"{a}.pdf" for a in sampled} | {"team-summary.pdf"} <= set(manifest["files"])

    # The broken file is quarantined with a reason, and the week still completed.
    assert manifest["counts"]["quarantined"] == 1
    (bad,) = manifest["quarantined"]
    assert "broken" in bad["key"]
    assert bad["reason"]

    # Each scorecard names its agent, the criteria and the agent's overall score: the mean
    # weighted by each contact's inverse chance of being drawn (the stratified sample).
    assert scores["weight"].null_count() == 0
    assert scores["sampled_because"].null_count() == 0
    per_agent = scores.group_by("agent_id", "agent_name").agg(
        (pl.col("overall") * pl.col("weight")).sum() / pl.col("weight").sum()
    )
    for agent_id, name, overall in per_agent.iter_rows():
        text = pdf_text(bucket.store.get(bucket.key(week, f"{agent_id}.pdf")))
        assert name in text
        assert agent_id in text
        for criterion in ("Empathy", "Compassion", "Sympathy", "Hospitality"):
            assert criterion in text, (agent_id, criterion)
        assert re.search(rf"\b{round(overall)}\b", text), (agent_id, overall)

    summary = pdf_text(bucket.store.get(bucket.key(week, "team-summary.pdf")))
    assert bad["key"].rsplit("/", 1)[1] in summary.replace("\n", "")
    for name in per_agent["agent_name"]:
        assert name in summary

    # The local copy under out/ is the same week.
    local = bucket.out_dir / week
    assert (local / "manifest.json").exists()
    assert {p.name for p in local.glob("*.pdf")} == {
        n for n in manifest["files"] if n.endswith(".pdf")
    }


def test_rerun_draws_the_same_sample_and_scores_and_leaves_nothing_stale(
    generated_bucket: Bucket,
) -> None:
    bucket = generated_bucket
    week = WEEKS[-1]
    weekly_audit(week=week, settings=bucket.settings())
    first_manifest, first_scores = bucket.manifest(week), bucket.scores(week)
    bucket.store.put(bucket.key(week, "a-999.pdf"), b"stale scorecard from an old run")

    weekly_audit(week=week, settings=bucket.settings())

    assert bucket.manifest(week)["sampled"] == first_manifest["sampled"]
    assert bucket.scores(week).equals(first_scores)
    keys = [o.key for o in bucket.store.list(bucket.key(week, ""))]
    assert bucket.key(week, "a-999.pdf") not in keys


def test_coaching_picks_are_scored_listed_apart_and_kept_out_of_every_mean(
    generated_bucket: Bucket,
) -> None:
    bucket = generated_bucket
    week = WEEKS[-1]
    weekly_audit(week=week, settings=bucket.settings(coaching_picks=1))
    scores = bucket.scores(week)
    ledger = pl.read_csv(
        io.BytesIO(bucket.store.get(bucket.key(week, "ledger.csv"))), infer_schema_length=0
    )
    agents = pl.read_csv(io.BytesIO(bucket.store.get(bucket.key(week, "agents.csv"))))

    picks = scores.filter(pl.col("state") == "coaching_pick")
    assert picks.height == scores["agent_id"].n_unique()  # one per agent, each scored
    assert picks["overall"].is_not_null().all()
    picked = set(ledger.filter(pl.col("state") == "coaching_pick")["contact_id"])
    assert picked == set(picks["contact_id"])
    sample = scores.filter(pl.col("state") == "scored")
    assert not picked & set(sample["contact_id"])
    # the week's mean of an agent is its sample's weighted mean, the pick left out
    for agent, mean in agents.select("agent_id", "overall").iter_rows():
        own = sample.filter(pl.col("agent_id") == agent)
        weighted = own.select((pl.col("overall") * pl.col("weight")).sum() / pl.col("weight").sum())
        assert mean == pytest.approx(weighted.item(), abs=1e-6), agent
