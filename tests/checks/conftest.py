"""Fixtures for the checks tests."""

from __future__ import annotations

from tests.checks.transcripts import rubric

__all__ = ["rubric"]
