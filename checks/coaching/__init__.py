"""Coaching: a week's findings in, strengths and tips with quoted moments out (see coaching.py)."""
