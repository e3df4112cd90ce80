"""Fixtures for the eval tests."""

from __future__ import annotations

from tests.flows.evaluate.fixtures import data

__all__ = ["data"]
