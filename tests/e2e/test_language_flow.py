"""A contact the rubric cannot read comes out `unsupported_language` end to end: ledger, score
table, manifest and team summary (moto's S3 server over HTTP, Prefect, PDFs read back)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from checks.transcripts.transcript import CRITERIA, Turn
from flows.config.settings import Settings
from flows.examples.generate import generate_week, week_files
from flows.pipeline.weekly import weekly_audit
from flows.publish.publish import week_prefix
from flows.stores.s3 import S3Store

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = "2026-W47"

SPANISH = (
    Turn("agent", "Buenas tardes, gracias por llamar, le atiende Marta. ¿En qué puedo ayudarle?"),
    Turn("customer", "Hola. Mi pedido no ha llegado todavía y ya es la tercera vez que llamo."),
    Turn("agent", "Lo siento mucho, entiendo su frustración. Ahora mismo reviso el envío."),
    Turn("customer", "Gracias. Lo necesito antes del viernes, es un regalo para mi hija."),
    Turn("agent", "Le envío uno nuevo hoy con entrega urgente; llegará el jueves sin falta."),
)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_a_spanish_contact_is_not_scored_and_is_counted(s3_store: S3Store, tmp_path: Path) -> None:
    contacts = generate_week(WEEK, seed=11)
    target = contacts[0]
    # Its file still declares "en": the text decides, not the metadata.
    contacts[0] = replace(target, turns=SPANISH)
    for key, data in week_files(contacts, "transcripts", with_broken=False):
        s3_store.put(key, data)
    settings = Settings(
        store="s3",
        bucket=s3_store.bucket,
        endpoint_url=s3_store.endpoint_url,
        out_dir=tmp_path / "out",
        sample="all",
        render_workers=2,
    )
    weekly_audit(week=WEEK, settings=settings)

    def get(name: str) -> bytes:
        return s3_store.get(week_prefix("scorecards", WEEK) + name)

    # Ledger: that contact, and only it, ends in the new state; every contact in exactly one.
    ledger = pl.read_csv(io.BytesIO(get("ledger.csv")))
    assert ledger.height == len(contacts) == ledger["contact_id"].n_unique()
    spanish = ledger.filter(pl.col("state") == "unsupported_language")
    assert spanish["contact_id"].to_list() == [target.contact_id]
    assert spanish["reason"].to_list() == ["language es is not one the rubric has phrase lists for"]
    assert set(ledger.filter(pl.col("contact_id") != target.contact_id)["state"]) == {"scored"}

    manifest = json.loads(get("manifest.json"))
    assert manifest["counts"]["unsupported_language"] == 1
    assert manifest["counts"]["scored"] == len(contacts) - 1
    assert [e["contact_id"] for e in manifest["exceptions"]] == [target.contact_id]

    # Score table: the row is there with its language and every criterion N/A.
    scores = pl.read_csv(io.BytesIO(get("scores.csv")), infer_schema_length=None)
    assert scores.height == len(contacts)
    row = scores.filter(pl.col("contact_id") == target.contact_id)
    assert row.select("state", "language").row(0) == ("unsupported_language", "es")
    assert row.select(*CRITERIA, "overall", "opportunity").null_count().row(0) == (1,) * 6
    others = scores.filter(pl.col("contact_id") != target.contact_id)
    assert set(others["state"]) == {"scored"}
    assert set(others["language"]) == {"en"}
    assert others["overall"].null_count() == 0
    parquet = pl.read_parquet(io.BytesIO(get("scores.parquet")))
    assert parquet.filter(pl.col("state") == "unsupported_language")["contact_id"].to_list() == [
        target.contact_id
    ]

    # Team summary: the count with the language; the agent's card neither lists nor counts it.
    summary = re.sub(r"\s+", " ", pdf_text(get("team-summary.pdf")))
    assert f"{len(contacts) - 1} contacts scored" in summary
    assert "1 more not scored: language not in rubric (es 1)" in summary
    card = re.sub(r"\s+", " ", pdf_text(get(f"{target.agent_id}.pdf")))
    n_scored = others.filter(pl.col("agent_id") == target.agent_id).height
    assert n_scored == sum(c.agent_id == target.agent_id for c in contacts) - 1
    assert f"{n_scored} contacts sampled" in card
    assert "1 more not scored: language not in rubric (es 1)" in card
    assert target.contact_id not in card
