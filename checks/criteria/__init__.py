"""Criteria: signal findings in, per-contact criterion scores and the overall score out."""
