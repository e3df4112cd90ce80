"""The weekly audit as a Prefect flow: list, load, sample, score, report, render, publish."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, BinaryIO

import polars as pl
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from checks.criteria.results import ScoredBatch, empty_batch
from checks.rubric.rubric import Rubric, load_rubric
from checks.transcripts.pseudonyms import Pseudonyms
from flows.calibrate.disputes import (
    WeekDisputes,
    apply_disputes,
    dispute_columns,
    raw_contact_ids,
    upheld_findings,
    week_disputes,
    with_removed_findings,
)
from flows.config.settings import Settings
from flows.config.version import code_version
from flows.config.weeks import IsoWeek, last_complete_week
from flows.deliver.recipients import digest_of
from flows.deliver.week import delivery_configured
from flows.ingest.attribution import Attribution
from flows.ingest.attribution_failures import published_failures
from flows.ingest.formats import Quarantine
from flows.ingest.loading import LoadedShard, fallback_copies, merge_shards
from flows.pipeline.agent_chunks import (
    ChunkedListing,
    ReportJob,
    ScoreJob,
    joined_selection,
    joined_table,
    score_jobs,
    trends_of,
)
from flows.pipeline.artifact import outputs_markdown, week_table_markdown
from flows.pipeline.execution import Execution, agent_chunks, execution_for, shards_of
from flows.pipeline.run_state import AuditRun, closing_publishers, guarded_run
from flows.pipeline.tasks import (
    Listing,
    TableFile,
    UncutWeek,
    attribution,
    deliver,
    history,
    list_week,
    load_shard,
    opaque,
    plan_chunks,
    publish_outputs,
    sample_week,
    start_publishing,
    trends,
)
from flows.publish.manifest import AttributionFailure, Manifest, build_manifest
from flows.publish.output_masking import mask_week, pseudonym_key
from flows.publish.publish import WeekPublisher, week_prefix
from flows.publish.spreadsheet import spreadsheet_safe_csv, write_spreadsheet_safe_csv
from flows.render.pdf import TEAM_SUMMARY_FILE
from flows.report.agent_table import AGENT_TABLE_FILE, agent_table
from flows.report.aggregate import footnote_text
from flows.report.build import (
    SummaryHeader,
    build_week_report,
    joined_week_report,
    team_figures,
    week_generated_at,
)
from flows.report.file_names import scorecard_file_name
from flows.report.model import WeekReport
from flows.report.scores_table import published_scores_table
from flows.report.team_scope import team_summaries, team_summary_files
from flows.runtime.io_threads import new_run
from flows.runtime.memory import give_back_freed_memory
from flows.select.ledger import WeekSelection, mark_unsupported_language, sampled_turns
from flows.select.sample_first import Candidates, fetch_in_rank_order, listed_candidates
from flows.stores.base import StoredObject
from flows.stores.factory import output_store
from flows.stores.scratch import scratch_space


@flow(name="weekly-audit", log_prints=True)
def weekly_audit(week: str | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """Audit one ISO week (default: the last complete week) and publish its scorecards."""
    settings = settings or Settings()
    iso = IsoWeek.parse(week) if week else last_complete_week(datetime.now(UTC), settings.timezone)
    new_run()  # not STOP.clear(): Dask pickles the flow with the globals it names (no Event)
    with guarded_run(settings, iso) as run:
        return audit_week(iso, settings, run)


def audit_week(iso: IsoWeek, settings: Settings, run: AuditRun) -> dict[str, Any]:
    """The week's stages in order; each step below is one named function or task."""
    rubric = load_rubric(settings.rubric)
    execution = execution_for(settings)
    get_run_logger().info("Auditing %s in %s with rubric %s", iso, settings.timezone, rubric.label)
    with run.clock("listing"):
        # a week whose listing names every file's agent is listed and cut into chunks of
        # agents in a worker process (one it cannot cut comes back listed: UncutWeek); a week
        # without contact records or a roster is listed here
        planned = plan_chunks(settings, iso)
        listing = list_week(settings, iso) if planned is None else None
        # One run per week at a time: a second run fails here (after the listing, which tells
        # a missing bucket or credentials first), before it loads or replaces anything.
        run.lock.acquire()
        agents = attribution(settings, iso) if planned is None else None
        if isinstance(planned, UncutWeek):  # the flow keeps one copy of the listing
            listing, agents, planned = planned.listing, planned.agents, None
        disputes = week_disputes(settings, iso)  # findings the QA team upheld a dispute against
    with ExitStack() as stack:
        if planned is None:
            assert listing is not None
            week, sinks = whole_week(
                stack, execution, iso, settings, run, rubric, listing, agents, disputes
            )
        else:
            chunked = chunked_week(iso, settings, rubric, disputes, planned)
            week, sinks = week_in_chunks(stack, execution, chunked, run, planned.plan)
        with run.clock("publishing"):
            manifest = publish_outputs(opaque(sinks), opaque(week.tables), opaque(week.manifest))
    run.clock.replacing = False
    delivery = deliver_week_once(settings, run, week.report, manifest)
    record_artifact(settings, iso, week.table_markdown, manifest, delivery)
    get_run_logger().info("Published %d files for %s", len(manifest.files), iso)
    return run_summary(settings, iso, run, manifest, len(week.report.agents), delivery)


def whole_week(
    stack: ExitStack,
    execution: Execution,
    iso: IsoWeek,
    settings: Settings,
    run: AuditRun,
    rubric: Rubric,
    listing: Listing,
    agents: Attribution | None,
    disputes: WeekDisputes,
) -> tuple[ReportedWeek, list[WeekPublisher]]:
    """The week loaded, sampled and scored in this process, its cards rendered by workers."""
    with run.clock("loading"):
        listing, loaded, unread = load_week(execution, settings, iso, listing, agents)
    with run.clock("sampling"):
        selection = sample_week(
            opaque(loaded), opaque(listing), settings, iso, rubric, opaque(unread)
        )
    with run.clock("scoring"):
        week_turns = sampled_turns(loaded.contacts, loaded.turns, selection.to_score)
        del loaded  # the week's unsampled turns are no longer needed
        sample = score_sample(execution, settings, week_turns, selection, rubric, disputes)
        del week_turns
    render_week = stack.enter_context(execution.renderer())  # warms up during the report
    with run.clock("building the report"):
        week = report_week(iso, settings, rubric, sample, disputes, agents)
        del sample
    with run.clock("rendering"):
        run.clock.replacing = True  # from here the week has no manifest until publish ends
        sinks = start_publishing(settings, iso)
        stack.push(closing_publishers(sinks))
        render_week(week.report, sinks)
    return week, sinks


@dataclass(frozen=True, slots=True)
class Chunked:
    """What every chunk of agents of the week shares, and what the flow keeps of the listing."""

    iso: IsoWeek
    settings: Settings
    rubric: Rubric
    disputes: WeekDisputes
    secret: bytes  # behind the pseudonyms
    listing: ChunkedListing
    failed_sources: tuple[tuple[str, str], ...]  # as published: keys with PII pseudonymised


def record_cards(
    sinks: Sequence[WeekPublisher], files: Mapping[str, Mapping[str, Any]], *, copy_to_local: bool
) -> None:
    """Count the cards the workers uploaded; the local copy (--out-dir, the second sink) gets
    them from the output store when the workers are other machines, one file at a time."""
    published, *local = sinks
    published.record(files)
    for sink in local:
        if not copy_to_local:
            sink.record(files)
            continue
        for name in sorted(files):
            sink.put(name, published.store.get(published.prefix + name))


def chunked_week(
    iso: IsoWeek,
    settings: Settings,
    rubric: Rubric,
    disputes: WeekDisputes,
    planned: ChunkedListing,
) -> Chunked:
    """What the week's chunks share, with the pseudonym key and the published failures."""
    secret = pseudonym_key(settings, output_store(settings))
    failed = published_failures(
        Attribution(failed_sources=planned.failed_sources), Pseudonyms(secret)
    )
    return Chunked(iso, settings, rubric, disputes, secret, planned, failed)


def week_in_chunks(
    stack: ExitStack, execution: Execution, week: Chunked, run: AuditRun, plan: list[pl.DataFrame]
) -> tuple[ReportedWeek, list[WeekPublisher]]:
    """The week audited chunk by chunk of agents in workers (flows/pipeline/agent_chunks.py):
    here only the score and ledger rows, the team figures, the summaries and the tables."""
    settings, iso, logger = week.settings, week.iso, get_run_logger()
    scratch = stack.enter_context(scratch_space(settings))
    workers = stack.enter_context(execution.agent_workers())
    base = ScoreJob(
        number=0,
        settings=settings,
        week=str(iso),
        rubric=week.rubric,
        known=plan[0].head(0),
        duplicates={},
        spares={},
        directory=week.listing.directory,
        pseudonym_key=week.secret,
        disputes=week.disputes.disputes,
        scratch=scratch,
    )
    with run.clock("loading and scoring"):
        logger.info(
            "Auditing %d listed files in %d chunks of agents, each in one worker (scratch: %s)",
            week.listing.listed,
            len(plan),
            scratch.store.url(scratch.prefix),
        )
        parts = workers.score(score_jobs(plan, base, week.listing.duplicates, week.listing.spares))
        selection, table = joined_selection(parts), joined_table(parts, scratch)
        chunk_agents = [(p.number, p.agents) for p in parts]
        logger.info(
            "Read %d of %d listed files; %d contacts scored",
            sum(p.fetched for p in parts),
            week.listing.listed,
            selection.ledger.filter(pl.col("state") == "scored").height,
        )
        del parts
        give_back_freed_memory()
    with run.clock("building the report"):
        team = team_figures(table)
        earlier = trends(settings, iso)
    with run.clock("rendering"):
        run.clock.replacing = True  # from here the week has no manifest until publish ends
        sinks = start_publishing(settings, iso)
        stack.push(closing_publishers(sinks))
        jobs = (
            ReportJob(
                number,
                settings,
                str(iso),
                week.rubric,
                code_version(),
                trends_of(earlier, ids),
                team,
                scratch,
            )
            for number, ids in chunk_agents
            if ids
        )
        cards = workers.report(jobs)
        for part in cards:
            record_cards(sinks, part.files, copy_to_local=settings.workers_elsewhere)
        failed_sources = week.failed_sources
        report = joined_week_report(
            [part.report for part in cards],
            team,
            SummaryHeader(
                str(iso),
                week.rubric.label,
                code_version(),
                week_generated_at(str(iso), settings.timezone),
                footnote_text(week.rubric.label, code_version()),
            ),
            quarantined=quarantined_files(selection),
            attribution_failures=failed_sources,
        )
        del cards
        summaries = workers.summaries({TEAM_SUMMARY_FILE: report.team, **team_summaries(report)})
        for sink in sinks:
            sink.put_all(summaries)
    reported = week_outputs(
        iso, settings, week.rubric, selection, report, table, week.disputes, failed_sources
    )
    return reported, sinks


def load_week(
    execution: Execution,
    settings: Settings,
    iso: IsoWeek,
    listing: Listing,
    agents: Attribution | None,
) -> tuple[Listing, LoadedShard, pl.DataFrame | None]:
    """The files the sample needs: only the contacts the draw can reach where the listing
    names each file's contact and agent, else every listed file. Also the listed contacts
    left unread (None when every file was read)."""
    depth = None if settings.read_all else settings.draw_depth
    candidates = None if depth is None else listed_candidates(listing.objects, agents)
    if depth is None or candidates is None or candidates.known.is_empty():
        return (*read_every_file(execution, settings, listing, agents), None)
    return load_sample_first(execution, settings, iso, listing, agents, candidates, depth)


def load_sample_first(
    execution: Execution,
    settings: Settings,
    iso: IsoWeek,
    listing: Listing,
    agents: Attribution | None,
    candidates: Candidates,
    depth: int,
) -> tuple[Listing, LoadedShard, pl.DataFrame]:
    """Fetch each agent's first ``depth`` contacts in rank order (and whatever fills the gaps
    of unusable ones); the rest of the listing stays unread."""

    def read(batch: list[StoredObject]) -> LoadedShard:
        return merge_shards(execution.load(shards_of(batch, settings.shard_size), agents))

    found = fetch_in_rank_order(
        candidates,
        {obj.key: obj for obj in listing.objects},
        read,
        week=str(iso),
        bounds=iso.utc_bounds(settings.timezone),
        depth=depth,
        duplicates=listing.duplicates,
        spares=listing.spares,
    )
    get_run_logger().info(
        "Sample first: read %d of %d listed files in %d round(s) (the first %d contacts of "
        "each agent in sample order, and what replaced unusable ones); %d left unread",
        len(found.fetched),
        len(listing.objects),
        found.rounds,
        depth,
        found.unread.height,
    )
    read_keys = {obj.key for obj in found.fetched}
    listing = Listing(
        found.fetched,
        {k: v for k, v in listing.duplicates.items() if k not in read_keys},
        listing.spares,
    )
    return listing, found.loaded, found.unread


def read_every_file(
    execution: Execution, settings: Settings, listing: Listing, agents: Attribution | None
) -> tuple[Listing, LoadedShard]:
    """Fetch and parse the listed files; when a preferred copy of a contact is unreadable,
    read its other copies before the contact counts as lost."""
    logger = get_run_logger()
    shards = shards_of(listing.objects, settings.shard_size)
    logger.info("Loading %d files in %d shard(s)", len(listing.objects), len(shards))
    parts = execution.load(shards, agents)
    loaded = merge_shards(parts)
    spare = fallback_copies(listing.duplicates, listing.spares, loaded.quarantined)
    if spare:
        logger.info("Reading %d other copies of contacts with a copy quarantined", len(spare))
        loaded = merge_shards([*parts, load_shard(settings, spare, agents)])
        read = {obj.key for obj in spare}
        listing = Listing(
            [*listing.objects, *spare],
            {k: v for k, v in listing.duplicates.items() if k not in read},
            listing.spares,
        )
    logger.info(
        "Loaded %d contacts from %d files (%d quarantined)",
        loaded.contacts.height,
        len(listing.objects),
        len(loaded.quarantined),
    )
    return listing, loaded


def score_week(
    execution: Execution,
    week_turns: pl.DataFrame,
    sampled: pl.DataFrame,
    rubric: Rubric,
    removed: pl.DataFrame,
) -> ScoredBatch:
    """Score the sampled contacts in chunks of whole agents and join the chunks; findings
    upheld in a dispute (``removed``) count for nothing."""
    batches = execution.score(week_turns, agent_chunks(sampled), rubric, removed)
    empty = empty_batch()
    return ScoredBatch(
        scores=pl.concat([b.scores for b in batches] or [empty.scores]),
        findings=pl.concat([b.findings for b in batches] or [empty.findings]),
    )


@dataclass(frozen=True, slots=True)
class ScoredSample:
    """The scored sample as it may be published: ids and keys holding PII are pseudonyms."""

    selection: WeekSelection
    scored: ScoredBatch
    turns: pl.DataFrame
    names: Pseudonyms


def score_sample(
    execution: Execution,
    settings: Settings,
    week_turns: pl.DataFrame,
    selection: WeekSelection,
    rubric: Rubric,
    disputes: WeekDisputes,
) -> ScoredSample:
    """Score the sample, mark contacts in languages the rubric cannot read, and mask every
    table that may be published from here on."""
    names = Pseudonyms(pseudonym_key(settings, output_store(settings)))
    removed = raw_contact_ids(upheld_findings(disputes.disputes), names, selection.to_score)
    scored = score_week(execution, week_turns, selection.to_score, rubric, removed)
    selection = mark_unsupported_language(selection, scored.scores)
    masked = mask_week(names, selection, scored.scores, scored.findings, week_turns)
    return ScoredSample(
        masked.selection,
        ScoredBatch(scores=masked.scores, findings=masked.findings),
        masked.turns,
        names,
    )


@dataclass(frozen=True, slots=True)
class ReportedWeek:
    """What the week publishes: the report to render, the tables and the manifest."""

    report: WeekReport
    table_markdown: str  # the week's per-agent table, for the run's artifact
    tables: dict[str, TableFile]
    manifest: Manifest


def report_week(
    iso: IsoWeek,
    settings: Settings,
    rubric: Rubric,
    sample: ScoredSample,
    disputes: WeekDisputes,
    agents: Attribution | None,
) -> ReportedWeek:
    """The scorecards' report, the score and ledger tables, and the manifest of the week;
    disputed findings stay in the score table with their dispute state."""
    selection, scored, week_turns = sample.selection, sample.scored, sample.turns
    # roster or contact-record files that attributed nothing: manifest and summary
    failed_sources = published_failures(agents, sample.names)
    findings, matched = apply_disputes(scored.findings, disputes.disputes)
    table = dispute_columns(
        published_scores_table(str(iso), scored.scores, selection.to_score),
        disputes.disputes,
        matched,
    )
    report = build_week_report(
        week=str(iso),
        table=table,
        findings=findings,
        history=history(settings, iso),
        quarantined=quarantined_files(selection),
        rubric_version=rubric.label,  # version and hash, in every PDF footer
        code_version=code_version(),
        timezone=settings.timezone,
        turns=week_turns,
        bands=rubric.bands,
        policy=rubric.report,
        attribution_failures=failed_sources,
    )
    report = with_removed_findings(report, table)  # "N findings removed after review"
    return week_outputs(iso, settings, rubric, selection, report, table, disputes, failed_sources)


def quarantined_files(selection: WeekSelection) -> list[tuple[str, str]]:
    """(key, reason) of the week's quarantined files, from its ledger."""
    quarantined = selection.ledger.filter(pl.col("state") == "quarantined")
    return list(quarantined.select("key", "reason").iter_rows())


def week_outputs(
    iso: IsoWeek,
    settings: Settings,
    rubric: Rubric,
    selection: WeekSelection,
    report: WeekReport,
    table: pl.DataFrame | pl.LazyFrame,
    disputes: WeekDisputes,
    failed_sources: Sequence[tuple[str, str]],
) -> ReportedWeek:
    """The week's tables and manifest beside its report."""
    manifest = build_manifest(
        settings,
        iso,
        rubric,
        selection,
        [Quarantine(k, r) for k, r in quarantined_files(selection)],
        # agent id -> its scorecard's file (ids that are not safe file names get a hashed one)
        scorecards={card.agent_id: scorecard_file_name(card.agent_id) for card in report.agents},
        team_summaries=team_summary_files(report),  # team -> its own summary
        attribution_failures=[AttributionFailure(key=k, reason=r) for k, r in failed_sources],
    )
    tables: dict[str, TableFile] = {
        # written to a file one at a time as they are uploaded (a million contacts: ~0.4 GB of CSV)
        "scores.parquet": partial(_write_parquet, table),
        "scores.csv": partial(write_spreadsheet_safe_csv, table),
        "ledger.csv": partial(write_spreadsheet_safe_csv, selection.ledger),
        AGENT_TABLE_FILE: spreadsheet_safe_csv(agent_table(report)),
        **disputes.files,  # republished as it was read, so a rerun never drops it
    }
    return ReportedWeek(report, week_table_markdown(str(iso), table), tables, manifest)


def deliver_week_once(
    settings: Settings, run: AuditRun, report: WeekReport, manifest: Manifest
) -> dict[str, Any] | None:
    """E-mail the published week to whoever has not had it (None when nobody is configured)."""
    if not delivery_configured(settings):
        return None
    files = {name: digest.model_dump() for name, digest in manifest.files.items()}
    with run.clock("delivering"):
        return deliver(settings, digest_of(report, files))


def record_artifact(
    settings: Settings,
    iso: IsoWeek,
    table_markdown: str,
    manifest: Manifest,
    delivery: dict[str, Any] | None,
) -> None:
    """The run's Prefect artifact: the week's table and links to everything published."""
    create_markdown_artifact(
        key=f"rapport-{str(iso).lower()}",
        markdown=table_markdown
        + outputs_markdown(settings, str(iso), [*manifest.files, "manifest.json"], delivery),
        description=f"Rapport scores for {iso}",
    )


def run_summary(
    settings: Settings,
    iso: IsoWeek,
    run: AuditRun,
    manifest: Manifest,
    agents: int,
    delivery: dict[str, Any] | None,
) -> dict[str, Any]:
    """What the flow returns: where the week went, its counts and stage timings."""
    return {
        "week": str(iso),
        "output": output_store(settings).url(week_prefix(settings.output_prefix, str(iso))),
        "local": str(settings.out_dir / str(iso)) if settings.out_dir else None,
        "counts": manifest.counts,
        "agents": agents,
        "timings": run.clock.seconds,
        "delivery": delivery,
    }


def _write_parquet(table: pl.DataFrame | pl.LazyFrame, out: BinaryIO) -> None:
    if isinstance(table, pl.LazyFrame):
        table.sink_parquet(out)  # streamed from the chunks' files
    else:
        table.write_parquet(out)
