"""Fixtures for the checks tests."""

from __future__ import annotations

from tests.checks.factories import rubric

__all__ = ["rubric"]
