"""`rapport serve`: run the weekly schedule in this process."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import console, fail
from flows.config.prefect_env import user_set

DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "infra" / "prefect.yaml"
# `rapport serve` registers its own deployment, apart from the worker's rapport-weekly.
SERVE_NAME = "rapport-serve"


def serve(
    spec: Annotated[Path, typer.Option(help="Prefect deployment file.")] = DEFAULT_SPEC,
    name: Annotated[
        str, typer.Option(help="Deployment name (never the worker's rapport-weekly).")
    ] = SERVE_NAME,
) -> None:
    """Run the weekly schedule in this process (PREFECT_API_URL's server, or a local one)."""
    taken = _worker_deployments(spec)
    if name in taken:
        raise fail(
            f"--name {name!r} is a worker deployment of {spec}: `rapport serve` would take it "
            "over (detach it from its work pool and pause it on exit); pick another name"
        )
    if os.environ.get("PREFECT_API_URL"):
        _serve(spec, name, ui=True)
        return
    from flows.pipeline.serve import prefect_home, prefect_server

    # Prefect reads its settings once, when first imported (reading the spec imports it): the
    # server must be up and PREFECT_API_URL set before that, or the schedule lands on a
    # temporary server that has no scheduler and never runs it.
    if "prefect.settings" in sys.modules:
        raise fail("Prefect was imported before its server was chosen; set PREFECT_API_URL")
    log = prefect_home() / "rapport-serve-server.log"
    # The CLI turns Prefect's UI off for its own processes; this server is for people to open.
    ui = None if user_set("PREFECT_UI_ENABLED") else True
    ui_on = ui or os.environ.get("PREFECT_UI_ENABLED", "").lower() in {"1", "true", "yes"}
    console.print(
        f"No PREFECT_API_URL set: starting a local Prefect server (log: {log})…", soft_wrap=True
    )
    with prefect_server(log=log, ui=ui) as api_url:
        os.environ["PREFECT_API_URL"] = api_url
        console.print(
            f"Prefect server: {api_url.removesuffix('/api')} (stops with this process)",
            soft_wrap=True,
        )
        _serve(spec, name, ui=ui_on)


def _serve(spec_path: Path, name: str, ui: bool) -> None:
    from flows.pipeline.deployment import load_deployment_spec
    from flows.pipeline.serve import serve_deployment

    try:
        spec = load_deployment_spec(spec_path)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    serve_deployment(spec, name, console, ui=ui)


def _worker_deployments(spec: Path) -> set[str]:
    """The deployment names a Prefect file declares (read without Prefect; errors come later,
    from the full check)."""
    import yaml

    try:
        doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return set()
    entries = doc.get("deployments") if isinstance(doc, dict) else None
    return {str(d.get("name")) for d in entries or [] if isinstance(d, dict)}
