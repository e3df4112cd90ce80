"""A small week of canonical files for the loading tests."""

from __future__ import annotations

import gzip
import json
from typing import Any


def contact_doc(cid: str, agent: str, **extra: Any) -> dict[str, Any]:
    """A canonical contact of two turns, with any extra fields."""
    return {
        "contact_id": cid,
        "agent_id": agent,
        "started_at": "2026-11-16T09:00:00+01:00",
        "turns": [
            {"speaker": "agent", "text": f"Hi, {agent} here.", "begin_ms": 0},
            {"speaker": "customer", "text": "Help please.", "begin_ms": 500},
        ],
        **extra,
    }


def jsonl_bytes(*docs: object) -> bytes:
    """The documents as JSON Lines."""
    return "\n".join(json.dumps(d) for d in docs).encode()


FILES: dict[str, bytes] = {
    "t/a-1.jsonl.gz": gzip.compress(
        jsonl_bytes(contact_doc("c1", "a-1"), contact_doc("c2", "a-1"))
    ),
    "t/a-2.jsonl": jsonl_bytes(contact_doc("c3", "a-2", team="Own team"), {"contact_id": "bad"}),
    "t/b.csv": b"contact_id,speaker,text\nc8,agent,Hi\nc8,customer,Yo\nc9,agent,A\nc9,customer,B\n",
    "t/big.jsonl": jsonl_bytes(*[contact_doc(f"x{i}", "a-3") for i in range(40)]),
    "t/c.jsonl": jsonl_bytes(contact_doc("c4", "a-4", agent_name="Dee")),
    "t/empty.json": b"   ",
}
