"""`rapport generate`: write a generated example week of canonical transcripts."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import EndpointUrl, Week, console, dest_store, upload, weeks_of
from flows.config.settings import Settings


def generate(
    dest: Annotated[str, typer.Argument(help="Folder, or s3://bucket/prefix.")],
    week: Week = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    prefix: Annotated[str, typer.Option(help="Key prefix of the transcripts.")] = "transcripts",
    endpoint_url: EndpointUrl = None,
    region: Annotated[str, typer.Option(help="AWS region.")] = "us-east-1",
) -> None:
    """Write a generated example week (or weeks) of canonical transcripts."""
    from flows.examples.generate import generate_week, week_files

    store, base = dest_store(dest, endpoint_url, region)
    full_prefix = "/".join(p for p in (base.strip("/"), prefix.strip("/")) if p)
    for iso in weeks_of(week, Settings()):
        contacts = generate_week(str(iso), seed=seed + iso.week)
        files = week_files(contacts, full_prefix, seed=seed)
        upload(store, files, f"Writing {iso}")
        console.print(
            f"{iso}: {len(contacts)} contacts in {len(files)} files -> {store.url(full_prefix)}"
        )
