"""The weekly flow's Prefect tasks: each one stage of work, retried where S3 may recover."""

from __future__ import annotations

import logging
import pickle
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, ParamSpec, TypeVar, cast

import polars as pl
from prefect import Task, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.utilities.annotations import quote

from checks.criteria.results import ScoredBatch, empty_batch
from checks.criteria.scoring import score_turns
from checks.rubric.rubric import Rubric
from checks.transcripts.transcript import CONTACTS_SCHEMA
from flows.config.settings import Settings
from flows.config.weeks import IsoWeek, day_prefix
from flows.deliver.recipients import WeekDigest
from flows.deliver.roster import configured_recipients
from flows.deliver.week import (
    deliver_week,
)
from flows.ingest.attribution import Attribution
from flows.ingest.attribution_source import read_attribution
from flows.ingest.formats import choose_contact_lens_keys
from flows.ingest.load_workers import ShardJob, load_shard_with
from flows.ingest.loading import LoadedShard
from flows.pipeline.agent_chunks import (
    ChunkCards,
    ChunkedListing,
    ChunkScores,
    ReportJob,
    ScoreJob,
    chunk_plan,
    report_agents,
    score_agents,
)
from flows.publish.manifest import Manifest
from flows.publish.publish import WeekPublisher, week_prefix
from flows.render.pdf import (
    iter_rendered,
    lighter_gc,
    render_scorecard_pdf,
    render_team_summary_pdf,
    scorecard_file_name,
    summary_pdfs,
    warm_up,
)
from flows.report.aggregate import Trends
from flows.report.history import read_history, read_trends
from flows.report.model import TeamSummary, WeekReport
from flows.report.scores_table import published_scores_table
from flows.runtime.io_threads import IOThreads, RunStopped, stopping
from flows.runtime.log_masking import MaskedLine, install_log_masking
from flows.runtime.worker_pool import spawn_pool
from flows.select.draw import draw_week
from flows.select.ledger import WeekSelection
from flows.stores.base import StoredObject, StoreError
from flows.stores.factory import input_store, output_store
from flows.stores.local import LocalStore

# A published table: its bytes, or a function that writes a large one to a file when its turn
# to be uploaded comes.
TableFile = bytes | Callable[[BinaryIO], None]
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


@dataclass(frozen=True, slots=True)
class Listing:
    """The week's files to read, and the files skipped because another holds the same contact."""

    objects: list[StoredObject]
    duplicates: dict[str, str]
    spares: dict[str, StoredObject] = field(default_factory=dict)  # the duplicates, to fall back on


@s3_task("list-week")
def list_week(settings: Settings, week: IsoWeek) -> Listing:
    """List only the week's day partitions under every input prefix (paginated)."""
    return list_files(settings, week, get_run_logger())


def list_files(settings: Settings, week: IsoWeek, logger: Any) -> Listing:
    """The week's files under every input prefix, telling ``logger`` how the listing goes."""
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


@dataclass(frozen=True, slots=True)
class UncutWeek:
    """A week the planning worker listed and attributed but could not cut into chunks of agents
    (some file's contact or agent is only known by reading it): the flow goes on from these
    instead of listing the week and reading its records again."""

    listing: Listing
    agents: Attribution | None
    log: list[tuple[int, str]]  # what the listing said (level, line), for the flow's log


@s3_task("plan-chunks")
def plan_chunks(settings: Settings, week: IsoWeek) -> ChunkedListing | UncutWeek | None:
    """Where contact records or a roster may name every file's agent: list the week, read who
    took each contact and cut the week into chunks of agents, all in a worker process (a
    million listed files and their records are ~1 GiB of Python objects the flow process
    would keep); the listing and records when the week cannot be cut; None when there is no
    attribution source to cut by (then the flow lists the week itself)."""
    if settings.whole_week or not (settings.ctr_prefix or settings.roster):
        return None
    with spawn_pool(1) as pool:
        planned = pool.submit(chunked_listing, settings, str(week)).result()
    logger = get_run_logger()
    for level, line in planned.log if planned is not None else ():
        logger.log(level, "%s", MaskedLine(line))  # masked by the worker, with its figures whole
    return planned


def chunked_listing(settings: Settings, week: str) -> ChunkedListing | UncutWeek:
    """The week listed, attributed and cut into chunks of agents (run in a worker process)."""
    iso = IsoWeek.parse(week)
    said = LogLines()
    logger = logging.getLogger("rapport.plan")
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the flow logs these lines in its run: not twice on the console
    # what reading the records warns of (a roster naming a contact twice...) reaches the run too
    heard = (logger, logging.getLogger(read_attribution.__module__))
    for source in heard:
        source.addHandler(said)
    try:
        # The contact records are read while the week is listed: both are chains of requests
        # that mostly wait on S3 (at 250,000 contacts the records took 5 s after the listing).
        with ThreadPoolExecutor(1, "rapport-records") as side:
            records = side.submit(read_attribution, input_store(settings), settings, iso)
            listing = list_files(settings, iso, logger)
            agents = records.result()
        plan = chunk_plan(settings, listing.objects, agents)
    finally:
        for source in heard:
            source.removeHandler(said)
    if plan is None or agents is None:
        return UncutWeek(listing, agents, said.lines)
    return ChunkedListing(
        plan=plan,
        listed=len(listing.objects),
        duplicates=listing.duplicates,
        spares=listing.spares,
        directory=dict(agents.directory),
        failed_sources=agents.failed_sources,
        log=said.lines,
    )


class LogLines(logging.Handler):
    """Keeps what a worker process logged, for the flow to log in its run."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the line and its level."""
        self.lines.append((record.levelno, record.getMessage()))


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
    shard: LoadedShard,
    listing: Listing,
    settings: Settings,
    week: IsoWeek,
    rubric: Rubric,
    unread: pl.DataFrame | None = None,
) -> WeekSelection:
    """Decide each contact's state and draw the sample (flows/select/draw.py)."""
    return draw_week(shard, listing.duplicates, settings, week, rubric, unread)


@task(name="score", cache_policy=NO_CACHE)
def score_chunk(
    turns: pl.DataFrame, rubric: Rubric, removed: pl.DataFrame | None = None
) -> ScoredBatch:
    """Score a chunk of whole agents (scripted lines are judged across one agent's week);
    ``removed``: findings upheld in a dispute, which count for nothing."""
    return score_turns(turns, rubric, removed)


@s3_task("read-history")
def history(settings: Settings, week: IsoWeek) -> pl.DataFrame:
    """Earlier weeks' score tables for the trend charts."""
    empty = published_scores_table(
        str(week), empty_batch().scores, pl.DataFrame(schema=CONTACTS_SCHEMA)
    )
    return read_history(
        output_store(settings), settings.output_prefix, week, settings.history_weeks - 1, empty
    )


@s3_task("read-trends")
def trends(settings: Settings, week: IsoWeek) -> Trends:
    """Earlier weeks' trend points per agent, read a week at a time (for chunks of agents)."""
    return read_trends(
        output_store(settings), settings.output_prefix, week, settings.history_weeks - 1
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


@task(name="warm-up-renderer", cache_policy=NO_CACHE)
def warm_up_renderer() -> bool:
    """Load fonts and stylesheets in this worker before its first scorecard (True if it had
    not yet)."""
    return warm_up()


@task(name="render-chunk", cache_policy=NO_CACHE)
def render_chunk(payload: bytes, settings: Settings) -> dict[str, bytes]:
    """Scorecards of a pickled chunk of agent cards, plus the summaries when it holds them."""
    cards, summaries = pickle.loads(payload)  # our own bytes, made by render_all just before
    warm_up()  # a no-op where warm_up_renderer ran
    with lighter_gc():
        files = {
            scorecard_file_name(card.agent_id): render_scorecard_pdf(
                card, page_size=settings.page_size
            )
            for card in cards
        }
        for name, summary in (summaries or {}).items():  # the week's, then each team's
            files[name] = render_team_summary_pdf(summary, page_size=settings.page_size)
    return files


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
    sinks: Sequence[WeekPublisher], files: Mapping[str, TableFile], manifest: Manifest
) -> Manifest:
    """Write the tables, wait for every upload, remove stale files, then the manifest; a table
    given as a writer is written to a local file when its turn comes and uploaded from it."""
    # A million contacts' scores.csv is ~0.3 GB: on disk, one table at a time, never in the
    # flow's memory.
    with tempfile.TemporaryDirectory(prefix="rapport-tables-") as folder:
        for name in sorted(files):
            made = files[name]
            if isinstance(made, bytes):
                for sink in sinks:
                    sink.put(name, made)
                continue
            path = Path(folder) / name
            with path.open("wb") as out:
                made(out)
            for sink in sinks:
                sink.put_file(name, path)
            for sink in sinks:
                sink.wait()  # the file stays until every sink has it
            path.unlink()
    written = [sink.finish(manifest) for sink in sinks]
    return written[0]


@task(name="deliver", cache_policy=NO_CACHE)
def deliver(settings: Settings, digest: WeekDigest) -> dict[str, Any]:
    """E-mail (and post) the published week to whoever has not had it; a failure here is
    reported in the summary and never undoes the published week."""
    try:
        table = configured_recipients(settings, input_store(settings))
        return deliver_week(
            settings,
            digest,
            output_store(settings),
            week_prefix(settings.output_prefix, digest.week),
            table=(table.managers, table.agent_emails),
            problems=table.problems,
        )
    except Exception as exc:
        get_run_logger().error("Delivery of %s failed: %s", digest.week, exc)
        return {
            "error": str(exc),
            "sent": [],
            "unchanged": [],
            "failed": [],
            "no_recipient": [],
            "recipient_problems": [],
        }


def _in_pool(pool: Executor | None, work: Callable[[Any], R], job: Any) -> R:
    # a worker process of the pool when there is one (the flow process keeps only the result)
    return work(job) if pool is None else pool.submit(work, job).result()


@s3_task("score-agents")
def score_agents_task(payload: bytes, pool: Executor | None = None) -> ChunkScores:
    """Fetch, draw, score and mask one pickled chunk of agents (flows/pipeline/agent_chunks)."""
    job: ScoreJob = pickle.loads(payload)  # our own bytes, made by the flow just before
    return _in_pool(pool, score_agents, job)


@s3_task("report-agents")
def report_agents_task(payload: bytes, pool: Executor | None = None) -> ChunkCards:
    """Build, render and upload the cards of one pickled, scored chunk of agents."""
    job: ReportJob = pickle.loads(payload)
    return _in_pool(pool, report_agents, job)


@task(name="render-summaries", cache_policy=NO_CACHE)
def render_summaries(payload: bytes, pool: Executor | None = None) -> dict[str, bytes]:
    """Team summaries as PDFs, from pickled (summaries, page size) (in a worker when given a
    pool)."""
    summaries: dict[str, TeamSummary]
    summaries, page_size = pickle.loads(payload)  # our own bytes, made by the flow just before
    return _in_pool(pool, partial(summary_pdfs, page_size=page_size), summaries)
