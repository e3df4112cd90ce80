"""A minimal valid manifest for tests of publishing (the flow builds real ones)."""

from __future__ import annotations

from flows.publish.manifest import Manifest


def bare_manifest(week: str = "2026-W47") -> Manifest:
    """A manifest of one week with nothing sampled."""
    return Manifest(
        week=week,
        start=f"{week} start",
        end=f"{week} end",
        timezone="UTC",
        sample="5",
        rubric_version="test",
        rubric_sha256="0" * 64,
        code_version="test",
        generated_at="2026-11-30T00:00:00+00:00",
        counts={},
        sampled={},
    )
