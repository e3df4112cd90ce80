"""Speaker labels as people write them, mapped onto agent, customer and system."""

from __future__ import annotations

import pytest

from flows.ingest.formats.speakers import speaker_from_label


@pytest.mark.parametrize(
    ("label", "speaker"),
    [
        ("AGENT", "agent"),
        ("Rep", "agent"),
        ("caller", "customer"),
        ("Customer ", "customer"),
        ("BOT", "system"),
        ("ivr", "system"),
        ("Virtual Agent", "system"),
        ("System", "system"),
    ],
)
def test_speaker_aliases(label: str, speaker: str) -> None:
    assert speaker_from_label(label) == speaker
