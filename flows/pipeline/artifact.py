"""The run's Prefect artifact: the week's table and links to its outputs and delivery."""

from __future__ import annotations

from typing import Any

import polars as pl

from flows.config.settings import Settings
from flows.deliver.week import (
    presigned_links,
    record_key,
)
from flows.publish.publish import week_prefix
from flows.report.file_names import is_summary_file
from flows.stores.factory import output_store

MAX_ARTIFACT_CARDS = 50  # scorecards linked one by one in the run's artifact


def outputs_markdown(
    settings: Settings, week: str, files: list[str], delivery: dict[str, Any] | None
) -> str:
    """Links to the week's outputs (and its delivery record) for the Prefect artifact."""
    store = output_store(settings)
    prefix = week_prefix(settings.output_prefix, week)
    cards = [n for n in files if n.endswith(".pdf") and not is_summary_file(n)]
    if len(cards) > MAX_ARTIFACT_CARDS:  # the folder, not a thousand links
        files = [n for n in files if n not in set(cards)]
    try:
        links = presigned_links(store, prefix, files, settings.link_expiry_hours)
    except Exception:  # no signing credentials: the locations are still listed
        links = {}
    lines = [
        "",
        f"## Outputs ({store.url(prefix)})",
        "",
        f"Links valid for {settings.link_expiry_hours} h from the run." if links else "",
        "",
    ]
    for name in files:
        url = links.get(name)
        lines.append(f"- [{name}]({url})" if url else f"- {name}: `{store.url(prefix + name)}`")
    if len(cards) > MAX_ARTIFACT_CARDS:
        lines.append(f"- {len(cards)} scorecards (`<agent>.pdf`) under `{store.url(prefix)}`")
    if delivery is not None:
        key = record_key(settings.output_prefix, week)
        lines += ["", f"## Delivery (record: `{store.url(key)}`)", ""]
        if "error" in delivery:
            lines.append(f"- failed: {delivery['error']}")
        lines.append(f"- sent: {', '.join(delivery['sent']) or 'none'}")
        if delivery["unchanged"]:
            lines.append(f"- already sent, unchanged: {', '.join(delivery['unchanged'])}")
        for failed in delivery["failed"]:
            lines.append(f"- **not delivered** to {failed['recipient']}: {failed['error']}")
        if delivery["no_recipient"]:
            lines.append(f"- **no recipient** for: {', '.join(delivery['no_recipient'])}")
        lines += [f"- recipients: {p}" for p in delivery.get("recipient_problems", [])]
    return "\n".join(lines)


def week_table_markdown(week: str, table: pl.DataFrame | pl.LazyFrame) -> str:
    """The week's per-agent table as markdown for the Prefect UI."""
    agents = (
        table.lazy()
        .filter(pl.col("state") == "scored")  # not the contacts left out for their language
        .group_by("agent_id", "agent_name", "team")
        .agg(pl.len().alias("contacts"), pl.col("overall").mean().round(1))
        .sort("overall", descending=True, nulls_last=True)
        .collect()
    )
    lines = [
        f"# Rapport weekly audit {week}",
        "",
        "| agent | name | team | contacts | overall |",
        "|---|---|---|---:|---:|",
    ]
    for r in agents.iter_rows(named=True):
        lines.append(
            f"| {r['agent_id']} | {r['agent_name'] or ''} | {r['team'] or ''} "
            f"| {r['contacts']} | {r['overall']} |"
        )
    return "\n".join(lines)
