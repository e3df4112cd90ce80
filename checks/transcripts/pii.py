"""Mask personal data (emails, phones, cards, ids, spoken digit runs, and the kinds told in
words: checks/transcripts/pii_kinds.py) in free text."""

from __future__ import annotations

import re
from functools import partial
from typing import Final

import polars as pl

from checks.transcripts import pii_kinds

EMAIL_TOKEN: Final = "[email]"
PHONE_TOKEN: Final = "[phone]"
CARD_TOKEN: Final = "[card]"
ID_TOKEN: Final = "[id]"
DIGITS_TOKEN: Final = "[digits]"

_DIGIT_WORDS: Final = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_SPOKEN_DIGIT: Final = rf"(?:(?:double|triple)[\s-]+)?{_DIGIT_WORDS}"

# Parts bounded as addresses are (64 before the @, 63 a label): unbounded, a long word made
# the search quadratic (20,000 letters and an @: seconds).
_EMAIL_RE: Final = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9\-]{1,63}"
    r"(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
_SPOKEN_RE: Final = re.compile(
    rf"\b{_SPOKEN_DIGIT}\b(?:[\s,.\-]+{_SPOKEN_DIGIT}\b){{3,}}", re.IGNORECASE
)
# A run of digit groups joined by one separator each, optionally with a leading + and (area code).
_RUN_RE: Final = re.compile(r"\+?\(?\d+\)?(?:(?: ?[.\-/] ?| )\(?\d+\)?)*")
_DATE_RE: Final = re.compile(r"\d{4}[./\-]\d{1,2}[./\-]\d{1,2}|\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}")
_SSN_RE: Final = re.compile(r"\d{3}-\d{2}-\d{4}")

# Cheap pre-filter (Rust regex syntax) so the polars version only visits rows that may hold PII.
_CANDIDATE_PATTERN: Final = (
    r"(?i)@|\(at\)|\[at\]|\d(?:[\s().+/\-]*\d){5,}|"
    rf"\b{_DIGIT_WORDS}\b[\s,.\-]+(?:(?:double|triple)[\s\-]+)?{_DIGIT_WORDS}\b|"
    + pii_kinds.CANDIDATE_PATTERN.removeprefix("(?i)")
)


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum used by payment cards."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _classify_run(run: str) -> str | None:
    digits = re.sub(r"\D", "", run)
    n = len(digits)
    if n < 7:
        return None
    if _DATE_RE.fullmatch(run):
        return None
    if 13 <= n <= 19 and luhn_valid(digits):
        return CARD_TOKEN
    if _SSN_RE.fullmatch(run):
        return ID_TOKEN
    grouped = run != digits
    if n <= 15 and (grouped or n in (10, 11)):
        return PHONE_TOKEN
    return ID_TOKEN


def _mask_run(m: re.Match[str]) -> str:
    run = m.group(0)
    token = _classify_run(run)
    if token is None:
        return run
    # Keep a bracket that only closes a group outside the run, e.g. "(call 555 123 4567)".
    if run.endswith(")") and "(" not in run:
        return token + ")"
    return token


def mask_pii(text: str, *, names: bool = True) -> str:
    """Replace personal data in ``text`` with tokens like ``[email]``; ``[PII]`` stays as is.
    ``names=False`` for an agent's own name or team: no stated names or addresses there."""
    if not text:
        return text
    if "@" in text or "(at)" in text or "[at]" in text:  # its pattern is slow on long words
        text = _EMAIL_RE.sub(EMAIL_TOKEN, text)
    text = pii_kinds.mask_spoken_email(text)
    text = pii_kinds.mask_iban(text)  # before digit runs, which would split an IBAN
    text = _SPOKEN_RE.sub(DIGITS_TOKEN, text)
    text = _RUN_RE.sub(_mask_run, text)
    # after the runs: a security code is found next to the [card] they leave
    text = pii_kinds.mask_card_words(text)
    if not names:
        return text
    text = pii_kinds.mask_address(text)
    return pii_kinds.mask_stated_name(text)


def _mask_series(s: pl.Series, names: bool = True) -> pl.Series:
    s = s.cast(pl.String)
    hit = s.str.contains(_CANDIDATE_PATTERN).fill_null(False)
    if not hit.any():
        return s
    idx = hit.arg_true()
    rows = s.gather(idx).to_list()
    masked = pl.Series([mask_pii(v, names=names) for v in rows], dtype=pl.String)
    return s.scatter(idx, masked)


def mask_pii_expr(col: str | pl.Expr, *, names: bool = True) -> pl.Expr:
    """Polars expression masking PII in a string column (only likely rows visit Python)."""
    expr = pl.col(col) if isinstance(col, str) else col
    return expr.map_batches(
        partial(_mask_series, names=names), return_dtype=pl.String, is_elementwise=True
    )
