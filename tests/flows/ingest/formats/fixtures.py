"""One small canonical contact for the format tests."""

from __future__ import annotations

import json

CANONICAL = {
    "contact_id": "c-1",
    "agent_id": "a-1",
    "started_at": "2026-11-16T09:12:00Z",
    "turns": [
        {"speaker": "customer", "text": "Mi reçu est égaré."},
        {"speaker": "agent", "text": "Je vais le renvoyer."},
    ],
}


def dump_json(doc: object) -> bytes:
    """A document as UTF-8 JSON, accents kept."""
    return json.dumps(doc, ensure_ascii=False).encode()
