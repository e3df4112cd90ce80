"""`rapport rubric schema` and `rapport rubric check FILE`: the rubric file's contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from checks.rubric.rubric import load_rubric, rubric_json_schema, rubric_problems

rubric_app = typer.Typer(
    name="rubric",
    help="The rubric file a QA lead owns: its JSON Schema, and a check of a file.",
    no_args_is_help=True,
)


@rubric_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a rubric file (every key with its description)."""
    typer.echo(json.dumps(rubric_json_schema(), indent=2, ensure_ascii=False))


@rubric_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="Rubric YAML file to validate.")],
) -> None:
    """Validate a rubric file: every problem with its key path and line, or its version and
    content hash when it is sound."""
    try:
        text = file.read_bytes().decode("utf-8")
    except OSError as exc:
        typer.echo(f"{file}: cannot read: {exc.strerror or exc}", err=True)
        raise typer.Exit(code=2) from None
    except UnicodeDecodeError as exc:
        typer.echo(f"{file}: not UTF-8 text (byte {exc.start})", err=True)
        raise typer.Exit(code=2) from None
    rubric, problems = rubric_problems(text, str(file))
    if problems or rubric is None:
        for line in problems:
            typer.echo(line, err=True)
        typer.echo(f"{len(problems)} problem(s); the rubric cannot be used", err=True)
        raise typer.Exit(code=1)
    default = load_rubric()
    same = " (the default rubric, unedited)" if rubric.sha256 == default.sha256 else ""
    typer.echo(f"{file}: ok · version {rubric.version} · sha256 {rubric.sha256}{same}")
    if rubric.version == default.version and not same:
        typer.echo(
            f"{file}: note: edited, but still says the default's version {default.version}; "
            "give it a version of its own so its scores are never read as the default's",
            err=True,
        )
