"""Calibration against the QA team's own graders, and disputes of single findings."""
