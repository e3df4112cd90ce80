"""The `rapport` command line: one sub-command per module of this folder."""

from __future__ import annotations

import typer

from flows.cli import demo, evaluate, generate, run, sample_size, score, serve
from flows.cli.calibrate import calibrate_app
from flows.cli.rubric import rubric_app
from flows.config.prefect_env import configure_prefect_defaults

# Before any command imports Prefect: the defaults are read once, at Prefect's first import.
configure_prefect_defaults()

app = typer.Typer(
    name="rapport",
    help="Weekly QA audit of customer-service transcripts: rubric checks and PDF scorecards.",
    no_args_is_help=True,
    add_completion=False,
)
app.command(name="run")(run.run)
app.command(name="generate")(generate.generate)
app.command(name="demo")(demo.demo)
app.command(name="score")(score.score_command)
app.command(name="serve")(serve.serve)
app.command(name="sample-size")(sample_size.sample_size)
app.command(name="eval")(evaluate.evaluate)
app.add_typer(rubric_app)
app.add_typer(calibrate_app)

if __name__ == "__main__":
    app()
