"""Logs without personal data: the records of Rapport's own loggers and of its Prefect runs are
masked (phone numbers, e-mail addresses, … in a key or a reason) before any handler sees them."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Final

from checks.pii import mask_pii

# Rapport's modules and the loggers of its flow and task runs (what Prefect stores and shows).
MASKED_LOGGERS: Final = ("flows", "checks", "rapport", "prefect.flow_runs", "prefect.task_runs")
# UUIDs (run ids in Prefect's links) are not personal, though their digits may look like it.
_UUID_RE: Final = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


def mask_log_text(text: str) -> str:
    """`text` masked, its UUIDs left whole."""
    pieces = _UUID_RE.split(text)
    uuids = _UUID_RE.findall(text)
    out = [mask_pii(pieces[0])]
    for uuid, piece in zip(uuids, pieces[1:], strict=True):
        out += [uuid, mask_pii(piece)]
    return "".join(out)


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
