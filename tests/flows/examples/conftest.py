"""Fixtures for the example-week tests."""

from __future__ import annotations

from tests.flows.examples.fixtures import week

__all__ = ["week"]
