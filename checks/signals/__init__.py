"""Signals: per-turn detectors (phrases, patterns, sentiment, reflection, scripted lines)."""
