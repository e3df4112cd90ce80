"""Coaching: a week's findings in, strengths, tips and quoted moments out."""
