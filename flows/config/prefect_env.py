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


_DEFAULTED: set[str] = set()


def configure_prefect_defaults() -> None:
    """Set Prefect env defaults without overriding anything the user set."""
    for name, value in DEFAULTS.items():
        if name not in os.environ:
            os.environ[name] = value
            _DEFAULTED.add(name)


def user_set(name: str) -> bool:
    """Whether a variable was in the environment before these defaults were applied."""
    return name in os.environ and name not in _DEFAULTED
