"""The embedded demo: an in-process S3 endpoint filled with generated weeks."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import boto3
import typer

from flows.cli.common import console, upload
from flows.cli.run import run_weeks
from flows.config.settings import Settings
from flows.config.weeks import last_complete_week
from flows.examples.personas import TEAMS
from flows.stores.s3 import S3Store

DEMO_BUCKET = "rapport-demo"
DEMO_OUT = Path("out")
# The generated teams' managers, as a delivery table (`recipients`) would name them.
DEMO_MANAGERS = {
    team: "lead." + "".join(c for c in team.split()[0].lower() if c.isalpha()) + "@example.com"
    for team in TEAMS
}
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "rapport-demo",
    "AWS_SECRET_ACCESS_KEY": "rapport-demo",
    "AWS_SESSION_TOKEN": "rapport-demo",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def local_s3(bucket: str = DEMO_BUCKET) -> Iterator[S3Store]:
    """Start moto's S3 server on 127.0.0.1 (a free port) with an empty bucket; stop it after."""
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in FAKE_CREDENTIALS}
    os.environ.update(FAKE_CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket=bucket
        )
        yield S3Store(bucket, endpoint_url=endpoint, region="us-east-1")
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def demo(
    weeks: Annotated[int, typer.Option(help="Weeks to generate and audit (trend history).")] = 3,
    out_dir: Annotated[Path, typer.Option(help="Local copy of the outputs.")] = DEMO_OUT,
    sample: Annotated[str, typer.Option(help="Contacts per agent, or 'all'.")] = "5",
) -> None:
    """Run the weekly audit end to end on an embedded S3 endpoint with generated weeks."""
    from flows.deliver.sink import smtp_outbox
    from flows.examples.generate import generate_week, week_files
    from flows.report.file_names import is_summary_file

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
        calibration = None
        if not any("error" in r for r in results):
            # a calibration set of the last week, while its transcripts are still reachable
            from flows.cli.calibrate import draw

            calibration = draw(settings, str(last), 40, out_dir / str(last) / "calibration")
    if any("error" in r for r in results):
        raise typer.Exit(code=1)
    logging.getLogger("prefect").setLevel(logging.WARNING)  # keep the summary line last
    final = out_dir / str(last)
    pdfs = sorted(final.glob("*.pdf"))
    emails = sorted((final / "outbox").glob("*.eml"))
    console.print(f"E-mails to managers: {(final / 'outbox').resolve()} ({len(emails)} .eml)")
    summaries = sum(1 for p in pdfs if is_summary_file(p.name))
    console.print(
        f"Scorecards: {final.resolve()} ({len(pdfs) - summaries} scorecards, "
        f"team-summary.pdf and {summaries - 1} team summaries)"
    )
    if calibration is not None:
        sheet = calibration["calibration-sheet.csv"].parent.resolve()
        console.print(f"Calibration set (40 contacts to grade): {sheet}")
