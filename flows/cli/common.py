"""What every sub-command shares: the consoles, the --week option, errors, uploads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from flows.config.settings import Settings
from flows.config.weeks import IsoWeek, last_complete_week, parse_weeks
from flows.stores.base import ObjectStore
from flows.stores.local import LocalStore
from flows.stores.s3 import S3Store

console = Console()
err = Console(stderr=True)

Week = Annotated[
    str | None,
    typer.Option("--week", "-w", help="ISO week (2026-W47) or range (2026-W40..2026-W47)."),
]
# Where a command finds its settings and stores: the same options, in the same words, everywhere.
ConfigFile = Annotated[
    Path | None, typer.Option("--config", help="TOML config file (a \\[rapport] table).")
]
StoreKind = Annotated[str | None, typer.Option("--store", help="s3 or local.")]
Bucket = Annotated[str | None, typer.Option("--bucket", help="S3 bucket of the transcripts.")]
OutputBucket = Annotated[
    str | None, typer.Option("--output-bucket", help="S3 bucket of the outputs.")
]
EndpointUrl = Annotated[str | None, typer.Option("--endpoint-url", help="S3 endpoint URL.")]
LocalRoot = Annotated[Path | None, typer.Option("--local-root", help="Folder when --store local.")]
OutputPrefix = Annotated[str | None, typer.Option("--output-prefix", help="Output prefix.")]


def fail(message: str) -> typer.Exit:
    """Print an error line; the caller raises the returned exit (code 2)."""
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


def weeks_of(spec: str | None, settings: Settings) -> list[IsoWeek]:
    """The weeks a --week option names (default: the last complete week)."""
    if not spec:
        return [last_complete_week(datetime.now(UTC), settings.timezone)]
    try:
        return parse_weeks(spec)
    except ValueError as exc:
        raise fail(str(exc)) from exc


def dest_store(dest: str, endpoint_url: str | None, region: str) -> tuple[ObjectStore, str]:
    """A store and key prefix for a folder or an s3://bucket/prefix destination."""
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
