"""The `rapport` command line: demo, run, score, generate, eval."""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from flows.interrupts import signal_words, stop_on_signals, stop_signal
from flows.log_masking import mask_log_text
from flows.prefect_env import configure_prefect_defaults, user_set
from flows.settings import Settings, load_settings
from flows.store import LocalStore, ObjectStore, S3Store
from flows.weeks import IsoWeek, last_complete_week, parse_weeks

configure_prefect_defaults()

DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "infra" / "prefect.yaml"
# `rapport serve` registers its own deployment, apart from the worker's rapport-weekly.
SERVE_NAME = "rapport-serve"

app = typer.Typer(
    name="rapport",
    help="Weekly QA audit of customer-service transcripts: rubric checks and PDF scorecards.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

Week = Annotated[
    str | None,
    typer.Option("--week", "-w", help="ISO week (2026-W47) or range (2026-W40..2026-W47)."),
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


def _weeks(spec: str | None, settings: Settings) -> list[IsoWeek]:
    if not spec:
        return [last_complete_week(datetime.now(UTC), settings.timezone)]
    try:
        return parse_weeks(spec)
    except ValueError as exc:
        raise _fail(str(exc)) from exc


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
            from flows.runners import weekly_flow

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
    return f"{result['week']} delivery: " + "; ".join(parts)


@app.command()
def run(
    week: Week = None,
    config: Annotated[
        Path | None, typer.Option(help="TOML config file (a \\[rapport] table).")
    ] = None,
    store: Annotated[str | None, typer.Option(help="s3 or local.")] = None,
    bucket: Annotated[str | None, typer.Option(help="S3 bucket of the transcripts.")] = None,
    output_bucket: Annotated[str | None, typer.Option(help="S3 bucket for outputs.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(help="S3 endpoint URL.")] = None,
    region: Annotated[str | None, typer.Option(help="AWS region.")] = None,
    local_root: Annotated[Path | None, typer.Option(help="Folder when --store local.")] = None,
    input_prefix: Annotated[str | None, typer.Option(help="Transcript prefix(es).")] = None,
    output_prefix: Annotated[str | None, typer.Option(help="Output prefix.")] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Local copy of the outputs.")] = None,
    sample: Annotated[str | None, typer.Option(help="Contacts per agent, or 'all'.")] = None,
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
        raise _fail(str(exc)) from exc
    results = run_weeks(settings, _weeks(week, settings))
    if any("error" in r for r in results):
        raise typer.Exit(code=1)


def _dest_store(dest: str, endpoint_url: str | None, region: str) -> tuple[ObjectStore, str]:
    if dest.startswith("s3://"):
        bucket, _, prefix = dest[5:].partition("/")
        return S3Store(bucket, endpoint_url=endpoint_url, region=region), prefix
    return LocalStore(Path(dest)), ""


def upload(store: ObjectStore, files: list[tuple[str, bytes]], label: str) -> None:
    """Write files to a store with a progress bar."""
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task(label, total=len(files))
        for key, data in files:
            store.put(key, data)
            progress.advance(bar)


@app.command()
def generate(
    dest: Annotated[str, typer.Argument(help="Folder, or s3://bucket/prefix.")],
    week: Week = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    prefix: Annotated[str, typer.Option(help="Key prefix of the transcripts.")] = "transcripts",
    endpoint_url: Annotated[str | None, typer.Option(help="S3 endpoint URL.")] = None,
    region: Annotated[str, typer.Option(help="AWS region.")] = "us-east-1",
) -> None:
    """Write a generated example week (or weeks) of canonical transcripts."""
    from flows.generate import generate_week, week_files

    store, base = _dest_store(dest, endpoint_url, region)
    full_prefix = "/".join(p for p in (base.strip("/"), prefix.strip("/")) if p)
    for iso in _weeks(week, Settings()):
        contacts = generate_week(str(iso), seed=seed + iso.week)
        files = week_files(contacts, full_prefix, seed=seed)
        upload(store, files, f"Writing {iso}")
        console.print(
            f"{iso}: {len(contacts)} contacts in {len(files)} files -> {store.url(full_prefix)}"
        )


@app.command()
def demo(
    weeks: Annotated[int, typer.Option(help="Weeks to generate and audit (trend history).")] = 3,
    out_dir: Annotated[Path, typer.Option(help="Local copy of the outputs.")] = Path("out"),
    sample: Annotated[str, typer.Option(help="Contacts per agent, or 'all'.")] = "5",
) -> None:
    """Run the weekly audit end to end on an embedded S3 endpoint with generated weeks."""
    from flows.deliver.sink import smtp_outbox
    from flows.demo import DEMO_MANAGERS, local_s3
    from flows.generate import generate_week, week_files

    last = last_complete_week(datetime.now(UTC))
    run_list = [last.shift(-k) for k in reversed(range(weeks))]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    with local_s3() as store, smtp_outbox(out_dir) as (smtp_port, _):
        console.print(f"Local S3 endpoint {store.endpoint_url}, bucket {store.bucket}")
        console.print(f"Local SMTP sink 127.0.0.1:{smtp_port} -> {out_dir}/<week>/outbox/*.eml")
        for iso in run_list:
            contacts = generate_week(str(iso), seed=7 + iso.week)
            files = week_files(contacts, "transcripts", with_broken=iso == last, seed=7)
            upload(store, files, f"Uploading {iso}")
        settings = Settings(
            store="s3",
            bucket=store.bucket,
            endpoint_url=store.endpoint_url,
            out_dir=out_dir,
            sample=sample,
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            smtp_security="none",
            mail_from="rapport@example.com",
            qa_contact="qa-team@example.com",
            ops_email="ops@example.com",
            recipients=DEMO_MANAGERS,
        )
        results = run_weeks(settings, run_list)
    if any("error" in r for r in results):
        raise typer.Exit(code=1)
    logging.getLogger("prefect").setLevel(logging.WARNING)  # keep the summary line last
    final = out_dir / str(last)
    pdfs = sorted(final.glob("*.pdf"))
    emails = sorted((final / "outbox").glob("*.eml"))
    console.print(f"E-mails to managers: {(final / 'outbox').resolve()} ({len(emails)} .eml)")
    console.print(f"Scorecards: {final.resolve()} ({len(pdfs)} PDFs, team-summary.pdf included)")


@app.command()
def score(
    files: Annotated[list[Path], typer.Argument(help="Transcript files in any supported format.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per contact.")] = False,
    rubric: Annotated[Path | None, typer.Option(help="Rubric YAML file.")] = None,
) -> None:
    """Score transcript files and show the findings (or JSON with --json)."""
    from flows.score_command import run_score

    raise typer.Exit(code=run_score(files, as_json=as_json, rubric_path=rubric, console=console))


@app.command()
def serve(
    spec: Annotated[Path, typer.Option(help="Prefect deployment file.")] = DEFAULT_SPEC,
    name: Annotated[
        str, typer.Option(help="Deployment name (never the worker's rapport-weekly).")
    ] = SERVE_NAME,
) -> None:
    """Run the weekly schedule in this process (PREFECT_API_URL's server, or a local one)."""
    taken = _worker_deployments(spec)
    if name in taken:
        raise _fail(
            f"--name {name!r} is a worker deployment of {spec}: `rapport serve` would take it "
            "over (detach it from its work pool and pause it on exit); pick another name"
        )
    if os.environ.get("PREFECT_API_URL"):
        _serve(spec, name, ui=True)
        return
    from flows.serve import prefect_home, prefect_server

    # Prefect reads its settings once, when first imported (reading the spec imports it): the
    # server must be up and PREFECT_API_URL set before that, or the schedule lands on a
    # temporary server that has no scheduler and never runs it.
    if "prefect.settings" in sys.modules:
        raise _fail("Prefect was imported before its server was chosen; set PREFECT_API_URL")
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
    from flows.deployment import load_deployment_spec
    from flows.serve import serve_deployment

    try:
        spec = load_deployment_spec(spec_path)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
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


@app.command(name="eval")
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
    from flows.evaluate import DEFAULT_CS_DEV, DEFAULT_EPITOME, run_eval

    code = run_eval(
        cs_dev=cs_dev or DEFAULT_CS_DEV,
        epitome=epitome or DEFAULT_EPITOME,
        voice=voice,
        json_output=as_json,
        rubric_path=rubric,
    )
    raise typer.Exit(code=code)


if __name__ == "__main__":
    app()
