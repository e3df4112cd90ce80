"""A small canonical contact and any JSON value, for the format and loading tests."""

from __future__ import annotations

import json

from hypothesis import strategies as st

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


# any JSON value, its keys drawn mostly from the names the readers look for
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "contact_id",
                    "agent_id",
                    "turns",
                    "speaker",
                    "text",
                    "started_at",
                    "Transcript",
                    "Participants",
                    "ParticipantId",
                    "ParticipantRole",
                    "Content",
                    "BeginOffsetMillis",
                    "CustomerMetadata",
                    "ContactId",
                    "JobStatus",
                    "Type",
                    "AbsoluteTime",
                    "x",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=25,
)
