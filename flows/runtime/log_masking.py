"""Logs without personal data: the records of Rapport's own loggers and of its Prefect runs are
masked (phone numbers, e-mail addresses, … in a key or a reason) before any handler sees them."""

from __future__ import annotations

import logging
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


class _MaskedText:
    """An argument of a log record shown masked, whichever conversion (%s or %r) takes it."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return mask_log_text(str(self.value))

    def __repr__(self) -> str:
        return mask_log_text(repr(self.value))


class MaskedLine(str):
    """A line masked already (by the worker process that logged it first): logged as it is."""

    __slots__ = ()


def _kept(arg: object) -> bool:
    """Whether an argument is shown as it is: a figure, or a line masked already."""
    return isinstance(arg, MaskedLine) or (
        isinstance(arg, int | float) and not isinstance(arg, bool)
    )


def masked_message(record: logging.LogRecord) -> str:
    """The record's message with personal data masked; the figures given as arguments (%d,
    %.1f, ...) are the run's own counts and times and stay whole, as do lines masked already."""
    # Masking the formatted line would read "Listed 1000000 files" as a 7-digit account
    # number; a figure Rapport counted is never a customer's.
    args = record.args
    if not isinstance(args, tuple) or not any(_kept(a) for a in args):
        return mask_log_text(record.getMessage())
    shown = tuple(a if _kept(a) else _MaskedText(a) for a in args)
    return mask_log_text(str(record.msg)) % shown


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
