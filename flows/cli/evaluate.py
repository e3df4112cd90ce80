"""`rapport eval`: measure the checks against careful reviewers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def evaluate(
    cs_dev: Annotated[
        Path | None,
        typer.Option(
            "--cs-dev",
            help="cs-dev folder: threads.jsonl, labels.jsonl (default: ../shared/eval/cs-dev).",
        ),
    ] = None,
    epitome: Annotated[
        Path | None,
        typer.Option("--epitome", help="EPITOME folder (default: ../shared/eval/epitome-dev)."),
    ] = None,
    voice: Annotated[
        bool, typer.Option("--voice", help="Measure the threads as voice transcripts.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object of every figure.")
    ] = False,
    rubric: Annotated[Path | None, typer.Option(help="Rubric YAML file.")] = None,
) -> None:
    """Measure the checks against careful reviewers: cs-dev per signal and per thread, with
    targets and a keyword baseline; EPITOME as a side check. Exit 1 when a target is missed."""
    from flows.evaluate.data import DEFAULT_CS_DEV, DEFAULT_EPITOME
    from flows.evaluate.evaluate import run_eval

    code = run_eval(
        cs_dev=cs_dev or DEFAULT_CS_DEV,
        epitome=epitome or DEFAULT_EPITOME,
        voice=voice,
        json_output=as_json,
        rubric_path=rubric,
    )
    raise typer.Exit(code=code)
