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


class _MaskingFactory:
    """A log record factory that masks the message (and a traceback) of Rapport's records."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        if not _masked(record.name):
            return record
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging to report
            return record
        record.msg, record.args = mask_log_text(message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_log_text(text)
        return record


def install_log_masking() -> None:
    """Mask the records of Rapport's loggers from now on in this process (once)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _MaskingFactory):
        logging.setLogRecordFactory(_MaskingFactory(current))
