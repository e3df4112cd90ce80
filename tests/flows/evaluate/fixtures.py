"""Made-up cs-dev threads, labels and EPITOME pairs for the eval tests: no labelled text here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

# --- a synthetic labelled slice, every figure computed by hand ---------------------------------


def _thread(cid: str, *turns: tuple[str, str]) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "agent_id": "acme",
        "started_at": "2026-11-16T09:00:00+00:00",
        "channel": "twitter",
        "turns": [{"speaker": s, "text": t} for s, t in turns],
    }


C, A = "customer", "agent"


THREADS = {
    t["contact_id"]: t
    for t in [
        _thread(
            "t1",
            (C, "My parcel is STILL missing, this is ridiculous!!"),
            (A, "Sorry to hear that, we'll look into it. Thanks for waiting."),
        ),
        _thread(
            "t2",
            (C, "Can I change my address?"),
            (A, "Hi there! Sure, visit https://example.test/account to update it."),
        ),
        _thread(
            "t3",
            (C, "Your app keeps crashing and I'm fed up."),
            (A, "Please reinstall it."),
            (C, "Did that already."),
            (A, "Sorry, we understand. Let us know if it happens again."),
        ),
        _thread("t4", (C, "Where is my refund?"), (A, "We'll check. It takes 3 days.")),
        _thread("t5", (C, "Thanks for the quick help."), (A, "Happy to help!")),
        _thread("t6", (C, "Hola, mi pedido no llegó."), (A, "Lo sentimos.")),
    ]
}


def _labels(turns: dict[str, list[str]], **contact: Any) -> dict[str, Any]:
    return {"turns": turns, "contact": {"english": True, **contact}}


LABELS = {
    "t1": _labels(
        {
            "0": ["customer_distress"],
            "1": ["apology", "acknowledges_feeling", "takes_ownership", "warmth"],
        },
        opportunity=True,
        empathy=1,
        compassion=2,
        hospitality=2,
    ),
    "t2": _labels(
        {"0": [], "1": ["warmth", "next_step"]},
        opportunity=False,
        empathy=None,
        compassion=2,
        hospitality=2,
    ),
    "t3": _labels(
        {
            "0": ["customer_distress"],
            "1": ["dismissive"],
            "2": ["customer_distress"],
            "3": ["apology", "empty_understand", "confirms_resolution"],
        },
        opportunity=True,
        empathy=0,
        compassion=1,
        hospitality=1,
    ),
    "t4": _labels(
        {"0": [], "1": ["takes_ownership", "next_step"]},
        opportunity=False,
        empathy=None,
        compassion=1,
        hospitality=0,
    ),
    "t5": _labels(
        {"0": [], "1": ["warmth"]}, opportunity=False, empathy=None, compassion=0, hospitality=2
    ),
    "t6": {
        "turns": {"0": ["customer_distress"], "1": ["apology"]},
        "contact": {"english": False, "opportunity": True, "empathy": 0, "hospitality": 1},
    },
}


def write_slice(folder: Path, threads: list[dict[str, Any]], labels: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("threads.jsonl", threads), ("labels.jsonl", labels)):
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _write_epitome(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pairs = [
        ("My exams went badly and I feel awful.", "That sounds so hard, I'm sorry.", 2),
        ("I can't sleep at all lately.", "What do you think is keeping you up?", 1),
        ("Nobody listens to me.", "Try going for a run.", 0),
    ]
    for name in ("emotional-reactions.csv", "explorations.csv", "interpretations.csv"):
        rows = [
            {
                "sp_id": f"s{i}",
                "rp_id": f"r{i}",
                "seeker_post": s,
                "response_post": r,
                "level": lvl,
                "rationales": "",
            }
            for i, (s, r, lvl) in enumerate(pairs)
        ]
        pl.DataFrame(rows).write_csv(folder / name)


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    cs = tmp_path / "cs-dev"
    write_slice(cs, list(THREADS.values()), [{"contact_id": c, **v} for c, v in LABELS.items()])
    ep = tmp_path / "epitome-dev"
    _write_epitome(ep)
    return cs, ep
