"""`rapport run`: audit a week (or a range of weeks) from a real bucket or folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from flows.cli.common import (
    Bucket,
    ConfigFile,
    EndpointUrl,
    LocalRoot,
    OutputBucket,
    OutputPrefix,
    StoreKind,
    Week,
    console,
    err,
    fail,
    weeks_of,
)
from flows.config.settings import Settings, load_settings
from flows.config.weeks import IsoWeek
from flows.runtime.interrupts import signal_words, stop_on_signals, stop_signal
from flows.runtime.log_masking import mask_log_text


def run(
    week: Week = None,
    config: ConfigFile = None,
    store: StoreKind = None,
    bucket: Bucket = None,
    output_bucket: OutputBucket = None,
    endpoint_url: EndpointUrl = None,
    region: Annotated[str | None, typer.Option(help="AWS region.")] = None,
    local_root: LocalRoot = None,
    input_prefix: Annotated[str | None, typer.Option(help="Transcript prefix(es).")] = None,
    output_prefix: OutputPrefix = None,
    out_dir: Annotated[Path | None, typer.Option(help="Local copy of the outputs.")] = None,
    sample: Annotated[str | None, typer.Option(help="Contacts per agent, or 'all'.")] = None,
    sample_policy: Annotated[
        str | None, typer.Option(help="random, or stratified (upset customers get a share).")
    ] = None,
    screen: Annotated[
        str | None,
        typer.Option(help="Contacts per agent screened for upset customers: N, all or auto."),
    ] = None,
    read_all: Annotated[
        bool,
        typer.Option("--read-all", help="Read every file even where the sample can go first."),
    ] = False,
    whole_week: Annotated[
        bool,
        typer.Option(
            "--whole-week",
            help="Load the whole week here instead of auditing chunks of agents in workers.",
        ),
    ] = False,
    scratch_dir: Annotated[
        str | None,
        typer.Option(
            help="Where chunks keep scored turns until rendering: a folder every worker reads, "
            "or s3://bucket/prefix."
        ),
    ] = None,
    timezone: Annotated[str | None, typer.Option(help="Zone of the week's bounds.")] = None,
    rubric: Annotated[Path | None, typer.Option(help="Rubric YAML file.")] = None,
    page_size: Annotated[str | None, typer.Option(help="A4 or Letter.")] = None,
    format: Annotated[
        str | None,
        typer.Option(help="auto, canonical, contact_lens, transcribe or csv."),
    ] = None,
    ctr_prefix: Annotated[
        str | None, typer.Option(help="Prefix of Amazon Connect contact records (attribution).")
    ] = None,
    roster: Annotated[
        str | None, typer.Option(help="Key of a roster CSV: contact id -> agent id, name, team.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Run tasks on a local Dask cluster of N processes.")
    ] = None,
    dask_address: Annotated[
        str | None, typer.Option(help="Run tasks on an existing Dask scheduler (tcp://…).")
    ] = None,
    resend: Annotated[
        bool, typer.Option("--resend", help="E-mail the week again to recipients already sent it.")
    ] = False,
) -> None:
    """Audit a week (or a range of weeks) from a real bucket or folder."""
    try:
        settings = load_settings(
            config,
            store=store,
            bucket=bucket,
            output_bucket=output_bucket,
            endpoint_url=endpoint_url,
            region=region,
            local_root=local_root,
            input_prefix=input_prefix,
            output_prefix=output_prefix,
            out_dir=out_dir,
            sample=sample,
            sample_policy=sample_policy,
            screen=screen,
            read_all=read_all or None,
            whole_week=whole_week or None,
            scratch_dir=scratch_dir,
            timezone=timezone,
            rubric=rubric,
            page_size=page_size,
            format=format,
            ctr_prefix=ctr_prefix,
            roster=roster,
            dask_workers=workers,
            dask_address=dask_address,
            resend=resend or None,
        )
    except ValueError as exc:
        raise fail(str(exc)) from exc
    results = run_weeks(settings, weeks_of(week, settings))
    if any("error" in r for r in results):
        raise typer.Exit(code=1)


def run_weeks(settings: Settings, weeks: list[IsoWeek]) -> list[dict[str, Any]]:
    """Run the weekly flow once per week, in order; a failed week does not stop the others,
    SIGTERM or Ctrl+C stops them all within seconds."""
    results: list[dict[str, Any]] = []
    current = [weeks[0]]

    def stopped_line(signum: int) -> str:
        week, later = current[0], len(weeks) - len(results) - 1
        return (
            f"Stopped by {signal_words(signum)} during {week}: it was not published; rerun it "
            f"with --week {week}" + (f" ({later} later week(s) not started)" if later else "")
        )

    try:
        with stop_on_signals(stopped_line) as received:
            from flows.pipeline.execution import weekly_flow

            audit = weekly_flow(settings)
            for week in weeks:
                current[0] = week
                console.rule(f"[bold]Weekly audit {week}")
                try:
                    results.append(audit(week=str(week), settings=settings))
                except Exception as exc:
                    why = mask_log_text(str(exc))  # an error may name a key holding PII
                    err.print(
                        f"[bold red]{week} failed:[/] {escape(why)}  "
                        f"(rerun it alone with --week {week})",
                        soft_wrap=True,
                    )
                    results.append({"week": str(week), "error": why})
    except BaseException as exc:
        signum = stop_signal(exc)
        if signum is None:
            raise
        if not received:  # the handler has not said it already
            err.print(stopped_line(signum), soft_wrap=True)
        raise typer.Exit(code=128 + signum) from None
    _print_results(results)
    return results


def _print_results(results: list[dict[str, Any]]) -> None:
    table = Table(title="Rapport runs")
    for col in ("week", "agents", "scored", "quarantined"):
        table.add_column(col)
    table.add_column("output", overflow="fold")
    for r in results:
        if "error" in r:
            table.add_row(r["week"], "-", "-", "-", f"[red]failed: {escape(r['error'])}")
            continue
        c = r["counts"]
        table.add_row(
            r["week"], str(r["agents"]), str(c["scored"]), str(c["quarantined"]), r["output"]
        )
    console.print(table)
    for r in results:
        if line := delivery_line(r):
            console.print(line, soft_wrap=True)


def delivery_line(result: dict[str, Any]) -> str | None:
    """One line on what a week's delivery did, or None when nothing was to be delivered."""
    d = result.get("delivery")
    if not d:
        return None
    parts = [f"sent to {', '.join(d['sent'])}" if d["sent"] else "nothing sent"]
    if d["unchanged"]:
        parts.append(f"already sent before: {', '.join(d['unchanged'])}")
    parts += [f"[red]not delivered to {f['recipient']}: {f['error']}[/]" for f in d["failed"]]
    if "error" in d:
        parts.append(f"[red]delivery failed: {d['error']}[/]")
    if d["no_recipient"]:
        parts.append(f"[yellow]no recipient for {', '.join(d['no_recipient'])}[/]")
    if problems := d.get("recipient_problems"):
        parts.append(f"[yellow]{len(problems)} recipient row(s) skipped: {problems[0]}[/]")
    return f"{result['week']} delivery: " + "; ".join(parts)
