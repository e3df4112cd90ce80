"""The weekly audit as a Prefect flow: list, load, sample, score, render, publish."""

from __future__ import annotations

import io
import logging
import pickle
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, cast

import polars as pl
from prefect import Task, flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.exceptions import TerminationSignal
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from checks.pseudonyms import Pseudonyms
from checks.results import ScoredBatch, empty_batch
from checks.rubric import Rubric, load_rubric
from checks.scoring import score_turns
from checks.transcript import CONTACTS_SCHEMA
from flows.attribution import Attribution
from flows.attribution_failures import published_failures
from flows.attribution_source import read_attribution
from flows.deliver.recipients import WeekDigest, digest_of, table_from_csv
from flows.deliver.week import (
    deliver_week,
    delivery_configured,
    notify_failure,
    presigned_links,
    record_key,
)
from flows.formats import Quarantine, choose_contact_lens_keys
from flows.history import read_history
from flows.io_threads import IOThreads, RunStopped, new_run, stopping
from flows.ledger import (
    STATES,
    WeekSelection,
    mark_unsupported_language,
    sampled_turns,
    select_week,
)
from flows.load_workers import ShardJob, load_pool, load_shard_with
from flows.loading import LoadedShard, fallback_copies, merge_shards
from flows.log_masking import install_log_masking
from flows.output_masking import mask_week, pseudonym_key
from flows.publish import WeekLock, WeekPublisher, week_prefix
from flows.render import (
    TEAM_SUMMARY_FILE,
    iter_rendered,
    lighter_gc,
    render_pool,
    render_scorecard_pdf,
    render_team_summary_pdf,
    scorecard_file_name,
)
from flows.report_data import WeekReport, build_week_report, published_scores_table
from flows.settings import Settings
from flows.spreadsheet import spreadsheet_safe_csv
from flows.store import LocalStore, StoredObject, StoreError
from flows.stores import input_store, output_store
from flows.version import code_version
from flows.weeks import IsoWeek, day_prefix, last_complete_week

RETRIES = 3
RETRY_DELAYS = [2.0, 10.0, 30.0]  # on top of botocore's own per-request retries
P = ParamSpec("P")
R = TypeVar("R")


def opaque(value: R) -> R:
    """Pass a big argument to a task without Prefect walking its contents (typed as itself)."""
    # Prefect visits every object inside a task's arguments to track dependencies: ~25 s per
    # pass over the report of 1,000 agents x 250 contacts.
    return cast(R, quote(value))


def worth_retrying(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Whether a failed S3 task may succeed if run again."""
    # Not when only the configuration can fix it (credentials, bucket, permissions), when the
    # endpoint stayed silent through every botocore attempt, or when the run is stopping.
    error = state.data if isinstance(state.data, BaseException) else None
    return not isinstance(error, StoreError | RunStopped) and not stopping(None)


def s3_task(name: str) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A task that talks to S3: retried as a whole if botocore's retries were not enough."""
    return task(
        name=name,
        retries=RETRIES,
        retry_delay_seconds=RETRY_DELAYS,
        retry_condition_fn=worth_retrying,
        cache_policy=NO_CACHE,
    )


class OneLineErrors(logging.Filter):
    """Log StoreError and RunStopped without a traceback: their message says it all."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop the traceback of those errors, keep the record."""
        if record.exc_info and isinstance(record.exc_info[1], StoreError | RunStopped):
            record.exc_info = None
            record.exc_text = None
        return True


for _name in ("prefect.flow_runs", "prefect.task_runs"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(f, OneLineErrors) for f in _logger.filters):
        _logger.addFilter(OneLineErrors())
install_log_masking()  # keys and reasons in the run's logs carry no personal data


LIST_THREADS = 8
SCORE_CHUNK_CONTACTS = 10_000
SCORE_CONCURRENCY = 2
MAX_ARTIFACT_CARDS = 50  # scorecards linked one by one in the run's artifact


@dataclass(frozen=True, slots=True)
class Listing:
    """The week's files to read, and the files skipped because another holds the same contact."""

    objects: list[StoredObject]
    duplicates: dict[str, str]
    spares: dict[str, StoredObject] = field(default_factory=dict)  # the duplicates, to fall back on


@s3_task("list-week")
def list_week(settings: Settings, week: IsoWeek) -> Listing:
    """List only the week's day partitions under every input prefix (paginated)."""
    logger = get_run_logger()
    store = input_store(settings)
    days = week.utc_days(settings.timezone)
    parts = [day_prefix(prefix, day) for prefix in settings.input_prefixes for day in days]
    start, end = week.bounds(settings.timezone)
    logger.info(
        "Listing %s, %s to %s %s: %d day partitions (UTC %s to %s) under %s",
        week,
        f"{start:%a %d %b %H:%M}",
        f"{end:%a %d %b %H:%M}",
        settings.timezone,
        len(parts),
        days[0],
        days[-1],
        ", ".join(store.url(p.strip("/") + "/") for p in settings.input_prefixes),
    )

    def progress(done: int, total: int, seconds: float) -> None:
        logger.info("Listing: %d of %d partitions done after %.0f s", done, total, seconds)

    began = time.perf_counter()
    # Day partitions list at once: each is a chain of pages, one request after another.
    with IOThreads(min(LIST_THREADS, max(1, len(parts))), "rapport-list") as pool:
        listed = pool.map(lambda part: list(store.list(part)), parts, progress)
    found: dict[str, StoredObject] = {obj.key: obj for objs in listed for obj in objs}
    logger.info(
        "Listed %d files (%.1f MB) in %.1f s",
        len(found),
        sum(o.size for o in found.values()) / 1e6,
        time.perf_counter() - began,
    )
    # Contact Lens keeps raw and redacted copies of a contact: read only the preferred one.
    kept, dropped = choose_contact_lens_keys(sorted(found))
    return Listing([found[k] for k in kept], dropped, {k: found[k] for k in dropped})


@s3_task("read-attribution")
def attribution(settings: Settings, week: IsoWeek) -> Attribution | None:
    """Who took each contact, from contact records and/or a roster (when configured)."""
    return read_attribution(input_store(settings), settings, week)


@s3_task("load-shard")
def load_shard(
    settings: Settings,
    objects: list[StoredObject],
    agents: Attribution | None,
    pool: Executor | None = None,
) -> LoadedShard:
    """Fetch and parse a shard of files (in a worker process when given a pool)."""
    logger = get_run_logger()

    def progress(done: int, total: int, seconds: float) -> None:
        if done < 0:
            logger.info("Loading: %d files in a worker process, %.0f s so far", total, seconds)
        else:
            logger.info("Loading: %d of %d files read after %.0f s", done, total, seconds)

    return load_shard_with(pool, ShardJob(settings, objects, agents), progress)


@task(name="sample", cache_policy=NO_CACHE)
def sample_week(
    shard: LoadedShard, listing: Listing, settings: Settings, week: IsoWeek
) -> WeekSelection:
    """Decide each contact's state and draw the reproducible per-agent sample."""
    start, end = week.utc_bounds(settings.timezone)
    return select_week(
        shard.contacts,
        shard.quarantined,
        week=str(week),
        start=start,
        end=end,
        sample_size=settings.sample_size,
        duplicate_keys=listing.duplicates,
    )


@task(name="score", cache_policy=NO_CACHE)
def score_chunk(turns: pl.DataFrame, rubric: Rubric) -> ScoredBatch:
    """Score a chunk of whole agents (scripted lines are judged across one agent's week)."""
    return score_turns(turns, rubric)


@s3_task("read-history")
def history(settings: Settings, week: IsoWeek) -> pl.DataFrame:
    """Earlier weeks' score tables for the trend charts."""
    empty = published_scores_table(
        str(week), empty_batch().scores, pl.DataFrame(schema=CONTACTS_SCHEMA)
    )
    return read_history(
        output_store(settings), settings.output_prefix, week, settings.history_weeks - 1, empty
    )


@task(name="render", cache_policy=NO_CACHE)
def render(
    report: WeekReport,
    settings: Settings,
    sinks: Sequence[WeekPublisher],
    pool: Executor | None = None,
) -> int:
    """Render every scorecard and the team summary (a process per core), each PDF handed to
    the publishers as soon as it is made; returns how many."""
    made = 0
    for done in iter_rendered(
        report, page_size=settings.page_size, workers=settings.render_workers, pool=pool
    ):
        for sink in sinks:
            sink.put(done.name, done.data)
        made += 1
    return made


@task(name="render-chunk", cache_policy=NO_CACHE)
def render_chunk(payload: bytes, settings: Settings) -> dict[str, bytes]:
    """Scorecards of a pickled chunk of agent cards, plus the team summary when it holds one."""
    cards, team = pickle.loads(payload)  # our own bytes, made by render_all just before
    with lighter_gc():
        files = {
            scorecard_file_name(card.agent_id): render_scorecard_pdf(
                card, page_size=settings.page_size
            )
            for card in cards
        }
        if team is not None:
            files[TEAM_SUMMARY_FILE] = render_team_summary_pdf(team, page_size=settings.page_size)
    return files


def render_all(
    report: WeekReport,
    settings: Settings,
    sinks: Sequence[WeekPublisher],
    pool: Executor | None = None,
) -> int:
    """Render here with a process pool, or spread chunks of agents over the Dask workers."""
    if not settings.distributed:
        return render(opaque(report), settings, opaque(sinks), opaque(pool))
    n = len(report.agents)
    step = max(1, -(-n // (4 * max(1, settings.dask_workers or 4))))
    # Chunks travel as pickled bytes: Prefect would otherwise walk every object of every chunk,
    # and its quote() marker does not survive the trip to a Dask worker.
    payloads = [
        pickle.dumps((report.agents[i : i + step], report.team if i == 0 else None))
        for i in range(0, max(n, 1), step)
    ]
    futures = [render_chunk.submit(p, settings) for p in payloads]
    made = 0
    for future in futures:
        files = future.result()
        for sink in sinks:
            sink.put_all(files)
        made += len(files)
    return made


@s3_task("start-publish")
def start_publishing(settings: Settings, week: IsoWeek) -> list[WeekPublisher]:
    """Publishers of the week's outputs (output store, and ./out when set): from here on the
    week has no manifest until every file of this run is written."""
    sinks = [WeekPublisher(output_store(settings), week_prefix(settings.output_prefix, str(week)))]
    if settings.out_dir is not None:
        sinks.append(WeekPublisher(LocalStore(settings.out_dir), f"{week}/"))
    return sinks


@s3_task("publish")
def publish_outputs(
    sinks: Sequence[WeekPublisher], files: dict[str, bytes], manifest: dict[str, Any]
) -> dict[str, Any]:
    """Write the tables, wait for every upload, remove stale files, then the manifest."""
    written = []
    for sink in sinks:
        sink.put_all(files)
        written.append(sink.finish(manifest))
    return written[0]


def agent_chunks(sampled: pl.DataFrame, target: int = SCORE_CHUNK_CONTACTS) -> list[list[str]]:
    """Group agents into chunks of about `target` contacts, never splitting an agent."""
    counts = sampled.group_by("agent_id").len().sort("agent_id")
    chunks: list[list[str]] = [[]]
    size = 0
    for agent, n in counts.iter_rows():
        if size and size + n > target:
            chunks.append([])
            size = 0
        chunks[-1].append(agent)
        size += n
    return [c for c in chunks if c]


def shards_of(objects: Sequence[StoredObject], size: int) -> list[list[StoredObject]]:
    """Split the listing into shards of at most `size` files."""
    return [list(objects[i : i + size]) for i in range(0, len(objects), size)]


@task(name="deliver", cache_policy=NO_CACHE)
def deliver(settings: Settings, digest: WeekDigest) -> dict[str, Any]:
    """E-mail (and post) the published week to whoever has not had it; a failure here is
    reported in the summary and never undoes the published week."""
    try:
        table = (
            table_from_csv(
                input_store(settings).get(settings.recipients_file), settings.recipients_file
            )
            if settings.recipients_file
            else ({}, {})
        )
        return deliver_week(
            settings,
            digest,
            output_store(settings),
            week_prefix(settings.output_prefix, digest.week),
            table=table,
        )
    except Exception as exc:
        get_run_logger().error("Delivery of %s failed: %s", digest.week, exc)
        return {"error": str(exc), "sent": [], "unchanged": [], "failed": [], "no_recipient": []}


def outputs_markdown(
    settings: Settings, week: str, files: list[str], delivery: dict[str, Any] | None
) -> str:
    """Links to the week's outputs (and its delivery record) for the Prefect artifact."""
    store = output_store(settings)
    prefix = week_prefix(settings.output_prefix, week)
    cards = [n for n in files if n.endswith(".pdf") and n != TEAM_SUMMARY_FILE]
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
    return "\n".join(lines)


def week_table_markdown(week: str, table: pl.DataFrame) -> str:
    """The week's per-agent table as markdown for the Prefect UI."""
    agents = (
        table.filter(pl.col("state") == "scored")  # not the contacts left out for their language
        .group_by("agent_id", "agent_name", "team")
        .agg(pl.len().alias("contacts"), pl.col("overall").mean().round(1))
        .sort("overall", descending=True, nulls_last=True)
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


@flow(name="weekly-audit", log_prints=True)
def weekly_audit(week: str | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """Audit one ISO week (default: the last complete week) and publish its scorecards."""
    settings = settings or Settings()
    logger = get_run_logger()
    iso = IsoWeek.parse(week) if week else last_complete_week(datetime.now(UTC), settings.timezone)
    new_run()  # not STOP.clear(): Dask pickles the flow with the globals it names (no Event)
    clock = StageClock()
    lock = WeekLock(
        output_store(settings),
        settings.output_prefix,
        str(iso),
        ttl_seconds=settings.lock_ttl_hours * 3600,
    )
    try:
        return _audit(iso, settings, clock, lock)
    except BaseException as exc:
        if stopping(exc):
            logger.warning(stop_message(exc, iso, clock))
        elif isinstance(exc, Exception):
            notify_failure(settings, str(iso), exc)  # the operations address, when configured
        raise
    finally:
        lock.release()


def stop_message(exc: BaseException, week: IsoWeek, clock: StageClock) -> str:
    """One line on a stopped run: what stopped it, where, and what it left behind."""
    if isinstance(exc, TerminationSignal):
        how = signal.Signals(exc.signal).name
    elif isinstance(exc, KeyboardInterrupt):
        how = "Ctrl+C (SIGINT)"
    else:
        how = type(exc).__name__
    left = (
        "its files were being replaced, so it has no manifest.json until a rerun completes"
        if clock.replacing
        else "its published outputs are unchanged"
    )
    return (
        f"Stopped by {how} while {clock.current or 'starting'}: {week} was not published "
        f"({left}); rerun it with --week {week}"
    )


def _audit(iso: IsoWeek, settings: Settings, clock: StageClock, lock: WeekLock) -> dict[str, Any]:
    logger = get_run_logger()
    rubric = load_rubric(settings.rubric)
    logger.info("Auditing %s in %s with rubric %s", iso, settings.timezone, rubric.version)

    with clock("listing"):
        listing = list_week(settings, iso)
        # One run per week at a time: a second run fails here (after the listing, which tells
        # a missing bucket or credentials first), before it loads or replaces anything.
        lock.acquire()
        names = Pseudonyms(pseudonym_key(settings, output_store(settings)))
        agents = attribution(settings, iso)
    with clock("loading"):
        shard_list = shards_of(listing.objects, settings.shard_size)
        logger.info("Loading %d files in %d shard(s)", len(listing.objects), len(shard_list))
        with load_pool(settings, len(listing.objects)) as pool:
            if not shard_list:
                shards = []
            elif pool is None:  # quote() would not survive the trip to a Dask worker
                shards = load_shard.map(unmapped(settings), shard_list, unmapped(agents)).result()
            else:
                shards = load_shard.map(
                    unmapped(settings), shard_list, unmapped(agents), unmapped(opaque(pool))
                ).result()
        loaded = merge_shards(shards)
        spare = fallback_copies(listing.duplicates, listing.spares, loaded.quarantined)
        if spare:  # a preferred copy was unreadable: read the other copies of its contact
            logger.info("Reading %d other copies of contacts with a copy quarantined", len(spare))
            shards = [*shards, load_shard(settings, spare, agents)]
            loaded = merge_shards(shards)
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
    with clock("sampling"):
        selection = sample_week(opaque(loaded), opaque(listing), settings, iso)

    with clock("scoring"):
        week_turns = sampled_turns(loaded.contacts, loaded.turns, selection.sampled)
        del loaded, shards  # the week's unsampled turns are no longer needed
        chunks = agent_chunks(selection.sampled)
        if settings.distributed:
            parts = [week_turns.filter(pl.col("agent_id").is_in(a)) for a in chunks]
            batches = score_chunk.map(parts, unmapped(rubric)).result() if parts else []
            del parts
        else:
            # Two chunks at a time, each cut when it is submitted: polars leaves about half a
            # core idle on one chunk (~28% faster in pairs), and more at once multiplies the peak.
            batches = []
            pending: list[PrefectFuture[ScoredBatch]] = []
            for a in chunks:
                part = week_turns.filter(pl.col("agent_id").is_in(a))
                pending.append(score_chunk.submit(part, rubric))
                del part
                if len(pending) == SCORE_CONCURRENCY:
                    batches.append(pending.pop(0).result())
            batches += [f.result() for f in pending]
            del pending
        scores = pl.concat([b.scores for b in batches] or [empty_batch().scores])
        findings = pl.concat([b.findings for b in batches] or [empty_batch().findings])
        del batches
        selection = mark_unsupported_language(selection, scores)
        # From here on every table may be published: ids and keys holding PII are pseudonyms.
        masked = mask_week(names, selection, scores, findings, week_turns)
        selection, scores, findings, week_turns = (
            masked.selection,
            masked.scores,
            masked.findings,
            masked.turns,
        )
        del masked

    # roster or contact-record files that attributed nothing: in the manifest and the summary
    failed_sources = published_failures(agents, names)
    quarantined = [
        Quarantine(r["key"], r["reason"])
        for r in selection.ledger.filter(pl.col("state") == "quarantined").iter_rows(named=True)
    ]
    with ExitStack() as stack:
        # The render workers start now and warm up while the report is being built.
        pool = (
            None
            if settings.distributed
            else stack.enter_context(render_pool(settings.render_workers))
        )
        with clock("building the report"):
            table = published_scores_table(str(iso), scores, selection.sampled)
            report = build_week_report(
                week=str(iso),
                table=table,
                findings=findings,
                history=history(settings, iso),
                quarantined=[(q.key, q.reason) for q in quarantined],
                rubric_version=rubric.version,
                code_version=code_version(),
                timezone=settings.timezone,
                turns=week_turns,
                attribution_failures=failed_sources,
            )
            del week_turns
        with clock("rendering"):
            clock.replacing = True  # from here the week has no manifest until publish ends
            sinks = start_publishing(settings, iso)
            stack.push(_closing(sinks))
            render_all(report, settings, sinks, pool)
        tables = {
            "scores.parquet": _parquet(table),
            "scores.csv": spreadsheet_safe_csv(table),
            "ledger.csv": spreadsheet_safe_csv(selection.ledger),
        }
        manifest = build_manifest(settings, iso, rubric.version, selection, quarantined)
        # agent id -> its scorecard's file (ids that are not safe file names get a hashed one)
        manifest["scorecards"] = {
            card.agent_id: scorecard_file_name(card.agent_id) for card in report.agents
        }
        manifest["attribution_failures"] = [{"key": k, "reason": r} for k, r in failed_sources]
        with clock("publishing"):
            full = publish_outputs(opaque(sinks), opaque(tables), opaque(manifest))
    clock.replacing = False
    delivery = None
    if delivery_configured(settings):
        with clock("delivering"):
            delivery = deliver(settings, digest_of(report, full["files"]))
    create_markdown_artifact(
        key=f"rapport-{str(iso).lower()}",
        markdown=week_table_markdown(str(iso), table)
        + outputs_markdown(settings, str(iso), [*full["files"], "manifest.json"], delivery),
        description=f"Rapport scores for {iso}",
    )
    logger.info("Published %d files for %s", len(full["files"]), iso)
    return {
        "week": str(iso),
        "output": output_store(settings).url(week_prefix(settings.output_prefix, str(iso))),
        "local": str(settings.out_dir / str(iso)) if settings.out_dir else None,
        "counts": full["counts"],
        "agents": len(report.agents),
        "timings": clock.seconds,
        "delivery": delivery,
    }


@dataclass
class StageClock:
    """Wall seconds per named stage of one run, the stage under way, and whether the week's
    published files are being replaced."""

    seconds: dict[str, float] = field(default_factory=dict)
    current: str | None = None
    replacing: bool = False

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        """Time one stage."""
        start = time.perf_counter()
        self.current = name
        try:
            yield
        finally:
            self.seconds[STAGE_KEYS.get(name, name)] = round(time.perf_counter() - start, 3)


# The keys of the timings a run returns (benchmarks read them).
STAGE_KEYS = {
    "listing": "list",
    "loading": "load",
    "sampling": "sample",
    "scoring": "score",
    "building the report": "report",
    "rendering": "render",
    "publishing": "publish",
    "delivering": "deliver",
}


def _closing(
    sinks: Sequence[WeekPublisher],
) -> Callable[[type[BaseException] | None, BaseException | None, TracebackType | None], None]:
    """An exit callback: end the upload threads, waiting for them only after a success."""

    def close(
        exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for sink in sinks:
            sink.close(wait=exc is None)

    return close


def _parquet(table: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    table.write_parquet(buf)
    return buf.getvalue()


def build_manifest(
    settings: Settings,
    week: IsoWeek,
    rubric_version: str,
    selection: WeekSelection,
    quarantined: Sequence[Quarantine],
) -> dict[str, Any]:
    """Everything a reader needs to trust the week (file hashes are added at publish time)."""
    start, end = week.bounds(settings.timezone)
    counts = {state: 0 for state in STATES}
    for state, n in selection.ledger.group_by("state").len().iter_rows():
        counts[state] = n
    sampled = (
        selection.sampled.group_by("agent_id").agg(pl.col("contact_id").sort()).sort("agent_id")
    )
    return {
        "week": str(week),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "timezone": settings.timezone,
        "sample": settings.sample,
        "rubric_version": rubric_version,
        "code_version": code_version(),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "entries": selection.ledger.height,
            "agents": sampled.height,
            **counts,
        },
        "sampled": {agent: ids for agent, ids in sampled.iter_rows()},
        "quarantined": [{"key": q.key, "reason": q.reason} for q in quarantined],
        # Everything not scored or merely not sampled, by key; ledger.csv lists every entry.
        "exceptions": selection.ledger.filter(
            ~pl.col("state").is_in(["scored", "not_sampled", "quarantined"])
        ).to_dicts(),
    }
