"""Prefect defaults that suit Rapport, applied before Prefect is imported (user env wins)."""

from __future__ import annotations

import os

DEFAULTS = {
    # The temporary local server migrates its database on first start: 13-23 s here.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_LOGGING_LOG_PRINTS": "true",
}


def configure_prefect_defaults() -> None:
    """Set Prefect env defaults without overriding anything the user set."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
