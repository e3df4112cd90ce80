"""Nothing leaked (issue 18, hole 6): a week whose transcripts hold every kind of personal data,
in turns and in contact ids and keys, runs against moto's S3 server over HTTP; no raw value is
found in the PDFs (parsed back), the CSVs, the Parquet table, the ledger, the manifest, the
run's logs or its Prefect artifact. Agents stay readable."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.config.settings import Settings
from flows.pipeline.weekly import weekly_audit
from flows.publish.output_masking import pseudonym_key_name
from flows.publish.publish import week_prefix
from flows.stores.s3 import S3Store

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = "2026-W47"
DAY = "transcripts/2026/11/17"

# What customers say, each with the raw values that must never reach an output.
SAID: list[tuple[str, list[str]]] = [
    ("hi my name is Quentin Fairweather and my order never came", ["Quentin", "Fairweather"]),
    ("this is zephyrine speaking, i am furious about this", ["zephyrine"]),
    ("I'm Bartholomew Quill from Quillworks, you charged me twice", ["Bartholomew", "Quill from"]),
    ("mail me at dana.cole@example.com or call +1 (555) 201-3344", ["dana.cole", "201-3344"]),
    ("it's john dot doe at example dot com, i am so upset", ["john dot doe", "doe at example"]),
    ("ship it to 742 Evergreen Terrace, apt 9 please, this is awful", ["Evergreen", "apt 9"]),
    ("my card 4111 1111 1111 1111 with security code 852 was charged", ["4111", r"\b852\b"]),
    ("the card ending in 4242 and the cvv is 319, refund it", [r"\b4242\b", r"\b319\b"]),
    ("refund to GB82 WEST 1234 5698 7654 32 now, I am angry", ["GB82", "WEST 1234", "5698"]),
    ("or the other account, iban DE89 3704 0044 please", ["DE89", "3704", "0044"]),
    ("my ssn is 123-45-6789 and I am worried", ["123-45-6789"]),
    ("ring me on four one five five five two one two", ["four one five five"]),
    ("Hello Rosalind, you never called me back as promised", ["Rosalind"]),
]
# Contact ids (and so file names) that carry personal data.
IDS = {
    "+15551234567": ["5551234567", r"\+1555"],
    "jo.doe@example.com": ["jo.doe", "jo_doe"],
    "card-4111111111111111": ["4111111111111111"],
    "GB82WEST12345698765432": ["GB82WEST", "12345698765432"],
}
BROKEN_KEY = f"{DAY}/kim.lee@example.org.json"  # a quarantined file whose key holds an e-mail
BROKEN_REASON_RAW = ["kim.lee", "kim_lee", "987 6543", "9876543"]
AGENTS = {"a-1": "Maya Lin", "a-2": "Omar Haddad"}


def _contact(cid: str, agent: str, said: str) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "agent_id": agent,
        "agent_name": AGENTS[agent],
        "team": "Billing",
        "started_at": "2026-11-17T09:00:00Z",
        "turns": [
            {"speaker": "agent", "text": "Hello, thanks for contacting us.", "begin_ms": 0},
            {"speaker": "customer", "text": said, "begin_ms": 900},
            {
                "speaker": "agent",
                "text": "I'm so sorry, that sounds really stressful. I'll sort it today.",
                "begin_ms": 2000,
            },
            {"speaker": "customer", "text": f"again: {said}", "begin_ms": 3000},
        ],
    }


def _raw_patterns() -> list[str]:
    raws = [r for _, rs in SAID for r in rs] + [r for rs in IDS.values() for r in rs]
    return [*raws, *BROKEN_REASON_RAW]


def _leaks(where: str, text: str) -> list[str]:
    text = re.sub(r"\b[0-9a-f]{64}\b", "", text)  # sha256 hashes in the manifest
    return [f"{where}: {p}" for p in _raw_patterns() if re.search(p, text, re.IGNORECASE)]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def run_logs() -> Iterator[_Records]:
    handler = _Records()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    names = ("prefect.flow_runs", "prefect.task_runs", "flows", "checks")
    loggers = [logging.getLogger(n) for n in names]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def _pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "card.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    text = done.stdout.decode()
    return text + "\n" + re.sub(r"\s+", " ", text)  # a value broken over two lines counts too


def _artifact(week: str) -> str:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"rapport-{week.lower()}"]))
        )
    assert found, "the run made no artifact"
    return "\n".join(str(a.data) for a in found)


def _put_week(s3_store: S3Store) -> Settings:
    """The corpus week in the bucket: every kind of PII in turns, ids, keys, records, roster."""
    lines = []
    ids = list(IDS)
    for i, (said, _) in enumerate(SAID):
        cid = ids[i] if i < len(ids) else f"c-{i:03d}"
        lines.append(json.dumps(_contact(cid, "a-1" if i % 2 else "a-2", said)))
        s3_store.put(f"{DAY}/{cid}.json", lines[-1].encode())
    broken = _contact("c-broken", "a-1", "hello")
    broken["started_at"] = "call me on +1 555 987 6543"  # quoted back by the reason
    s3_store.put(BROKEN_KEY, json.dumps(broken).encode())
    # contact records that cannot be read, in a file whose key holds an e-mail address
    s3_store.put("ctr/2026/11/17/export-jo.doe@example.com.jsonl", b"\x00 not records {{\n")
    # a roster naming a contact twice: its warning quotes the contact id into the logs
    s3_store.put("rosters/roster.csv", b"contact_id,agent_id\n+15551234567,a-2\n+15551234567,a-1\n")
    settings = Settings(
        store="s3",
        bucket=s3_store.bucket,
        endpoint_url=s3_store.endpoint_url,
        out_dir=None,
        roster="rosters/roster.csv",
        ctr_prefix="ctr",
        sample="all",
        render_workers=1,
    )

    return settings


def _leaks_in_outputs(
    files: dict[str, bytes], manifest: dict[str, Any], tmp_path: Path
) -> tuple[list[str], dict[str, str]]:
    """Every raw value found in the week's files and manifest, and the PDFs' text."""
    leaks: list[str] = []
    pdf_texts = {}
    for name, data in files.items():
        if name.endswith(".pdf"):
            pdf_texts[name] = _pdf_text(data, tmp_path)
            leaks += _leaks(name, pdf_texts[name])
        elif name.endswith(".parquet"):
            leaks += _leaks(name, pl.read_parquet(io.BytesIO(data)).write_csv())
        else:
            leaks += _leaks(name, data.decode())
    leaks += _leaks("manifest.json", json.dumps(manifest, ensure_ascii=False))
    return leaks, pdf_texts


def test_no_raw_personal_data_in_any_output(
    s3_store: S3Store, tmp_path: Path, run_logs: _Records
) -> None:
    settings = _put_week(s3_store)

    weekly_audit(week=WEEK, settings=settings)

    prefix = week_prefix("scorecards", WEEK)
    manifest = json.loads(s3_store.get(prefix + "manifest.json"))
    files = {name: s3_store.get(prefix + name) for name in manifest["files"]}
    leaks, pdf_texts = _leaks_in_outputs(files, manifest, tmp_path)
    logs = "\n".join(run_logs.lines)
    assert "twice, first kept" in logs  # the warning was logged, masked
    leaks += _leaks("logs", logs)
    artifact = _artifact(WEEK)
    leaks += _leaks("artifact", artifact)
    assert leaks == []

    # Everything is still there and traceable: each contact scored under a pseudonym where
    # its id carried PII, the same pseudonym in every table, the broken file quarantined.
    scores = pl.read_parquet(io.BytesIO(files["scores.parquet"]))
    ledger = pl.read_csv(io.BytesIO(files["ledger.csv"]), infer_schema_length=0)
    assert scores.height == len(SAID)
    pseudonyms = sorted(c for c in scores["contact_id"] if "~" in c)
    assert len(pseudonyms) == len(IDS)
    assert sorted(ledger.filter(pl.col("state") == "scored")["contact_id"]) == sorted(
        scores["contact_id"]
    )
    for cid in pseudonyms:
        assert f"{DAY}/{cid}.json" in ledger["key"].to_list()
    (quarantined,) = manifest["quarantined"]
    assert quarantined["key"].startswith(f"{DAY}/email~")
    assert "[phone]" in quarantined["reason"]
    assert quarantined["key"] in pdf_texts["team-summary.pdf"].replace("\n", "")
    # The unreadable contact records are named (as a pseudonym) in the manifest and summary.
    (failed,) = manifest["attribution_failures"]
    assert failed["key"].startswith("ctr/2026/11/17/email~")
    assert failed["reason"].startswith("malformed contact record")
    assert failed["key"] in pdf_texts["team-summary.pdf"].replace("\n", "")
    # Agents are no customer: their ids and names stay readable.
    assert set(scores["agent_name"]) == set(AGENTS.values())
    assert sorted(manifest["scorecards"]) == sorted(AGENTS)
    assert "Maya Lin" in pdf_texts["a-1.pdf"]
    assert "a-1" in artifact
    # The key behind the pseudonyms is kept beside the weeks, not in one.
    assert pseudonym_key_name("scorecards") not in manifest["files"]
    assert s3_store.get(pseudonym_key_name("scorecards"))

    # A rerun gives the same pseudonyms.
    weekly_audit(week=WEEK, settings=settings)
    again = pl.read_parquet(io.BytesIO(s3_store.get(prefix + "scores.parquet")))
    assert sorted(again["contact_id"]) == sorted(scores["contact_id"])
