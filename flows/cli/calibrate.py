"""`rapport calibrate draw` and `rapport calibrate report`: the calibration loop's commands."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from checks.calibration.agreement import Interval
from checks.criteria.scoring import score_contacts
from checks.rubric.rubric import RubricError, load_rubric
from checks.transcripts.contact_json import contact_results
from checks.transcripts.transcript import CRITERIA, Contact
from flows.calibrate.draw import PacketContact, draw_contacts, packet_contacts, sheet_csv
from flows.calibrate.readings import load_readings, readings_from_results, readings_json
from flows.calibrate.report import CalibrationReport, build_report
from flows.calibrate.report_tables import report_csv, report_json, report_markdown
from flows.calibrate.scale import (
    PACKET_FILE,
    READINGS_FILE,
    REPORT_FILE,
    SHEET_FILE,
    SIGNALS,
    TABLE_FILE,
    CalibrationError,
)
from flows.calibrate.sheets import read_sheets
from flows.cli.common import (
    Bucket,
    ConfigFile,
    EndpointUrl,
    LocalRoot,
    OutputBucket,
    OutputPrefix,
    StoreKind,
)
from flows.config.settings import Settings, load_settings
from flows.config.version import code_version
from flows.config.weeks import IsoWeek
from flows.ingest.formats import parse_file
from flows.publish.publish import week_prefix
from flows.stores.base import StoreError
from flows.stores.factory import input_store, output_store

calibrate_app = typer.Typer(
    name="calibrate",
    help="Calibrate Rapport against the QA team's graders: draw a set, report agreement.",
    no_args_is_help=True,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


# ---------------------------------------------------------------------------------------------
# draw


def week_contacts(settings: Settings, week: str, ids: Sequence[str]) -> list[Contact]:
    """The drawn contacts, read again from the transcripts the week's ledger names."""
    prefix = week_prefix(settings.output_prefix, week)
    ledger = pl.read_csv(
        io.BytesIO(output_store(settings).get(prefix + "ledger.csv")), infer_schema_length=0
    )
    wanted = set(ids)
    keys = sorted(set(ledger.filter(pl.col("contact_id").is_in(list(wanted)))["key"].to_list()))
    found: dict[str, Contact] = {}
    source = input_store(settings)
    for key in keys:
        for contact in parse_file(key, source.get(key), format=settings.format).contacts:
            if contact.contact_id in wanted:
                found.setdefault(contact.contact_id, contact)
    missing = [c for c in ids if c not in found]
    if missing:
        raise CalibrationError(
            f"{len(missing)} drawn contact(s) not found in their transcript files "
            f"({', '.join(missing[:5])}): were the transcripts moved since the week ran?"
        )
    return [found[c] for c in ids]


def packet_pdf(week: str, contacts: Sequence[PacketContact], page_size: str = "A4") -> bytes:
    """calibration-packet.pdf: the transcripts as graders read them, nothing of the scores."""
    from flows.render.pdf import environment, html_to_pdf

    template = environment().get_template("calibration_packet.html.j2")
    html = template.render(week=week, contacts=contacts, code_version=code_version())
    return html_to_pdf(html, page_size=page_size)


def draw(
    settings: Settings, week: str, size: int, out_dir: Path, graders: Sequence[str] = ()
) -> dict[str, Path]:
    """Draw the week's calibration set and write the sheet, the packet and Rapport's readings
    (kept from graders) under out_dir."""
    prefix = week_prefix(settings.output_prefix, week)
    store = output_store(settings)
    key = prefix + "scores.parquet"
    if not any(obj.key == key for obj in store.list(key)):
        raise CalibrationError(
            f"{week} has no score table at {store.url(key)}: audit it first "
            f"(rapport run --week {week}), with the same store and output prefix"
        )
    scores = pl.read_parquet(io.BytesIO(store.get(key)))
    rubric = load_rubric(settings.rubric)
    used = set(scores["rubric_sha256"].drop_nulls()) if "rubric_sha256" in scores.columns else set()
    if used and used != {rubric.sha256}:
        # the quotes behind Rapport's reading come from scoring again: with another rubric
        # they would not be the findings the week's scores rest on
        raise CalibrationError(
            f"{week} was scored with rubric sha256 {', '.join(sorted(used))}, not "
            f"{rubric.sha256} ({rubric.source}); pass that rubric with --rubric"
        )
    ids = draw_contacts(scores.iter_rows(named=True), week, size)
    agents = dict(zip(scores["contact_id"].to_list(), scores["agent_id"].to_list(), strict=True))
    contacts = week_contacts(settings, week, ids)
    published = {
        r["contact_id"]: r
        for r in scores.filter(pl.col("contact_id").is_in(ids)).iter_rows(named=True)
    }
    readings = readings_from_results(
        contact_results(score_contacts(contacts, rubric)), published=published
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in (SHEET_FILE, PACKET_FILE, READINGS_FILE)}
    paths[SHEET_FILE].write_bytes(sheet_csv(week, [(c, agents[c]) for c in ids], graders))
    packet = packet_pdf(week, packet_contacts(contacts, agents), settings.page_size)
    paths[PACKET_FILE].write_bytes(packet)
    paths[READINGS_FILE].write_bytes(
        readings_json(week, {"version": rubric.version, "sha256": rubric.sha256}, readings)
    )
    return paths


@calibrate_app.command("draw")
def draw_command(
    week: Annotated[str, typer.Option("--week", "-w", help="ISO week already audited.")],
    size: Annotated[int, typer.Option(help="Contacts in the calibration set.")] = 40,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the sheet and packet (default calibration/<week>)."),
    ] = None,
    grader: Annotated[
        list[str] | None, typer.Option(help="A grader's name (repeat): one sheet row each.")
    ] = None,
    config: ConfigFile = None,
    store: StoreKind = None,
    bucket: Bucket = None,
    output_bucket: OutputBucket = None,
    endpoint_url: EndpointUrl = None,
    local_root: LocalRoot = None,
    output_prefix: OutputPrefix = None,
    rubric: Annotated[Path | None, typer.Option(help="Rubric YAML file.")] = None,
) -> None:
    """Draw a reproducible calibration set from an audited week: a blank grading sheet, a
    packet of transcripts (no scores), and Rapport's readings for the report."""
    try:
        iso = str(IsoWeek.parse(week))
        settings = load_settings(
            config,
            store=store,
            bucket=bucket,
            output_bucket=output_bucket,
            endpoint_url=endpoint_url,
            local_root=local_root,
            output_prefix=output_prefix,
            rubric=rubric,
        )
        paths = draw(settings, iso, size, out or Path("calibration") / iso, grader or ())
    except (ValueError, RubricError, StoreError) as exc:
        raise _fail(str(exc)) from exc
    for name, path in paths.items():
        typer.echo(f"{name}: {path}")
    typer.echo(f"Give graders {SHEET_FILE} and {PACKET_FILE}; keep {READINGS_FILE} for the report.")


# ---------------------------------------------------------------------------------------------
# report


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}".replace("-", "−")


def _ci(ci: Interval | None) -> str:
    return "" if ci is None else f"{ci.low:.2f} to {ci.high:.2f}".replace("-", "−")


def _ci_pct(ci: Interval | None) -> str:
    return "" if ci is None else f"{ci.low:.0%} to {ci.high:.0%}"


def _shown(item: str, value: int | None) -> str:
    if value is None:
        return "N/A"
    return str(value) if item in CRITERIA else ("yes" if value else "no")


def report_pdf(report: CalibrationReport, page_size: str = "A4") -> bytes:
    """calibration-report.pdf."""
    from flows.render.pdf import environment, html_to_pdf

    html = (
        environment()
        .get_template("calibration_report.html.j2")
        .render(
            r=report,
            items={"criterion": CRITERIA, "signal": SIGNALS},
            pct=_pct,
            num=_num,
            signed=_signed,
            ci=_ci,
            ci_pct=_ci_pct,
            shown=_shown,
            code_version=code_version(),
        )
    )
    return html_to_pdf(html, page_size=page_size)


def upheld_disputes(paths: Sequence[Path]) -> dict[str, int]:
    """Upheld disputes per signal over disputes.csv files."""
    from flows.calibrate.disputes import read_disputes, upheld_per_signal

    counts: dict[str, int] = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CalibrationError(f"{path}: cannot read ({exc.strerror or exc})") from None
        for signal, n in upheld_per_signal(read_disputes(data, str(path))).items():
            counts[signal] = counts.get(signal, 0) + n
    return counts


def publish_artifact(report: CalibrationReport) -> bool:
    """A markdown artifact of the report when running inside a Prefect flow."""
    from prefect.artifacts import create_markdown_artifact
    from prefect.context import FlowRunContext

    if FlowRunContext.get() is None:
        return False
    create_markdown_artifact(
        key=f"rapport-calibration-{report.week.lower()}",
        markdown=report_markdown(report),
        description=f"Rapport calibration for {report.week}",
    )
    return True


def calibration_report(
    sheets: Sequence[Path],
    readings_path: Path,
    out_dir: Path,
    disputes: Sequence[Path] = (),
    samples: int = 1000,
) -> tuple[CalibrationReport, dict[str, Path]]:
    """Read the graded sheets, measure agreement, write the PDF and the CSV under out_dir."""
    week, readings = load_readings(readings_path)
    grades = read_sheets(sheets, readings)
    report = build_report(week, readings, grades, upheld=upheld_disputes(disputes), samples=samples)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {REPORT_FILE: out_dir / REPORT_FILE, TABLE_FILE: out_dir / TABLE_FILE}
    paths[REPORT_FILE].write_bytes(report_pdf(report))
    paths[TABLE_FILE].write_bytes(report_csv(report))
    publish_artifact(report)
    return report, paths


def calibration_flow(
    sheets: list[str], readings: str, out_dir: str, disputes: list[str] | None = None
) -> dict[str, Any]:
    """The report as a Prefect flow run (its figures as a markdown artifact)."""
    from prefect import flow

    @flow(name="calibration-report")
    def run() -> dict[str, Any]:
        report, _ = calibration_report(
            [Path(s) for s in sheets],
            Path(readings),
            Path(out_dir),
            [Path(d) for d in disputes or []],
        )
        return report_json(report)

    return run()


@calibrate_app.command("report")
def report_command(
    sheets: Annotated[list[Path], typer.Argument(help="Graded calibration-sheet CSV files.")],
    readings: Annotated[
        Path | None,
        typer.Option(help=f"Rapport's readings (default: {READINGS_FILE} beside the first sheet)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the report (default: the first sheet's).")
    ] = None,
    disputes: Annotated[
        list[Path] | None, typer.Option(help="disputes.csv of the week (repeat for several).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as JSON.")] = False,
) -> None:
    """Agreement of Rapport with each grader and of the graders with each other, per criterion
    and signal: raw agreement, Cohen's kappa and mean bias, each with a 95 % interval."""
    readings_path = readings or sheets[0].parent / READINGS_FILE
    try:
        report, paths = calibration_report(
            sheets, readings_path, out or sheets[0].parent, disputes or ()
        )
    except CalibrationError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        sys.stdout.write(json.dumps(report_json(report)) + "\n")
        return
    typer.echo(report_markdown(report))
    for name, path in paths.items():
        typer.echo(f"{name}: {path}")
