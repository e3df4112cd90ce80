"""Logs without personal data: the records of Rapport's own loggers and of its Prefect runs are
masked (phone numbers, e-mail addresses, … in a key or a reason) before any handler sees them."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Final

from checks.transcripts.pseudonyms import mask_around_shields

# Rapport's modules and the loggers of its flow and task runs (what Prefect stores and shows).
MASKED_LOGGERS: Final = ("flows", "checks", "rapport", "prefect.flow_runs", "prefect.task_runs")


def mask_log_text(text: str) -> str:
    """`text` masked, its UUIDs (run ids in Prefect's links), timestamps and dates left whole."""
    return mask_around_shields(text)


def _masked(name: str) -> bool:
    return any(name == n or name.startswith(n + ".") for n in MASKED_LOGGERS)


class MaskedLine(str):
    """A line masked already (by the worker process that logged it first): logged as it is."""

    __slots__ = ()


# one %-conversion of a format string (mapping keys and * widths are left to the plain path)
_CONVERSION: Final = re.compile(r"%[#0\- +]*\d*(?:\.\d+)?[hlL]?([diouxXeEfFgGcrsa%])")


def _kept(arg: object) -> bool:
    """Whether an argument is shown as it is: a figure, or a line masked already."""
    return isinstance(arg, MaskedLine) or (
        isinstance(arg, int | float) and not isinstance(arg, bool)
    )


def _placeholder(i: int) -> str:
    # private-use characters: no digit, letter or separator the masking rules could join to
    return f"\ue000{chr(0xE100 + i)}\ue001"


def masked_message(record: logging.LogRecord) -> str:
    """The record's message with personal data masked; the figures given as arguments (%d,
    %.1f, ...) are the run's own counts and times and stay whole, as do lines masked already."""
    # Masking the formatted line would read "Listed 1000000 files" as a 7-digit account
    # number; a figure Rapport counted is never a customer's. The line is masked whole, the
    # figures standing aside as placeholders, so text split between format and arguments is
    # still seen together.
    args, fmt = record.args, str(record.msg)
    if not isinstance(args, tuple) or not any(_kept(a) for a in args):
        return mask_log_text(record.getMessage())
    given = iter(args)
    shown: list[object] = []
    figures: list[str] = []

    def set_aside(conversion: re.Match[str]) -> str:
        if conversion.group(1) == "%":
            return conversion.group(0)
        arg = next(given)
        if not _kept(arg):
            shown.append(arg)
            return conversion.group(0)
        figures.append(conversion.group(0) % (arg,))
        return _placeholder(len(figures) - 1)

    try:
        line = _CONVERSION.sub(set_aside, fmt) % tuple(shown)
        if next(given, None) is not None:
            raise TypeError("more arguments than conversions")
    except (StopIteration, TypeError, ValueError):
        return mask_log_text(record.getMessage())
    masked = mask_log_text(line)
    for i, figure in enumerate(figures):
        masked = masked.replace(_placeholder(i), figure)
    return masked


class _MaskingFactory:
    """A log record factory that masks the message (and a traceback) of Rapport's records."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        if not _masked(record.name):
            return record
        try:
            message = masked_message(record)
        except Exception:  # a broken format string: leave it to logging to report
            return record
        record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_log_text(text)
        return record


def install_log_masking() -> None:
    """Mask the records of Rapport's loggers from now on in this process (once)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _MaskingFactory):
        logging.setLogRecordFactory(_MaskingFactory(current))
