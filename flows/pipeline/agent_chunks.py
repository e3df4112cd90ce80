"""Work moves to the data: a chunk of agents is audited by one worker, from its files to its
uploaded scorecards, and only score rows, ledger rows and file hashes come back to the flow.

Where the listing names every file's contact and agent (Contact Lens keys with contact records
or a roster), the week splits into chunks of whole agents before anything is read. Each chunk
goes through two steps in a worker:

1. ``score_agents``: fetch the chunk's files (sample first where it can), draw, score, mask;
   the masked turns and findings wait in the scratch folder; the score and ledger rows go back.
2. ``report_agents``: with the whole week's team medians (computed by the flow from the score
   rows), build the chunk's cards, render and upload them; their hashes and the agents' summary
   rows go back.

So the flow process holds score rows, never a transcript or a PDF, and a week of a million
contacts fits in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Final

import polars as pl

from checks.criteria.scoring import score_turns
from checks.rubric.rubric import Rubric
from checks.transcripts.pseudonyms import Pseudonyms
from flows.calibrate.disputes import (
    Dispute,
    apply_disputes,
    dispute_columns,
    raw_contact_ids,
    upheld_findings,
    with_removed_findings,
)
from flows.config.settings import Settings
from flows.config.weeks import IsoWeek
from flows.ingest.attribution import AgentRef, Attribution
from flows.ingest.formats.contact_lens import contact_lens_contact_id
from flows.ingest.load_workers import ShardJob, run_shard
from flows.ingest.loading import LoadedShard, attribution_for
from flows.publish.output_masking import mask_week
from flows.publish.publish import content_type, week_prefix
from flows.render.pdf import lighter_gc, render_scorecard_pdf, scorecard_file_name, warm_up
from flows.report.aggregate import Trends
from flows.report.build import TeamFigures, build_week_report
from flows.report.model import WeekReport
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, published_scores_table
from flows.select.draw import draw_week
from flows.select.ledger import WeekSelection, mark_unsupported_language, sampled_turns
from flows.select.sample_first import PENDING_SCHEMA, Candidates, fetch_in_rank_order
from flows.stores.base import ObjectStore, StoredObject
from flows.stores.factory import output_store
from flows.stores.local import LocalStore
from flows.stores.scratch import Scratch

# Listed contacts per chunk at most: a chunk's turns, scores and cards fit a worker easily,
# and a week of 4,000 agents still makes enough chunks to keep every worker busy.
CHUNK_CONTACTS: Final = 10_000
CHUNKS_PER_WORKER: Final = 4
UPLOAD_THREADS: Final = 8
SCRATCH_FILES: Final = ("table", "findings", "turns")


@dataclass(frozen=True, slots=True)
class ChunkedListing:
    """A week cut into chunks of agents, and the little the flow keeps of its listing."""

    plan: list[pl.DataFrame]  # PLAN_SCHEMA, one frame per chunk
    listed: int
    duplicates: dict[str, str]
    spares: dict[str, StoredObject]
    directory: dict[str, AgentRef]
    failed_sources: tuple[tuple[str, str], ...]  # contact-record or roster files naming nobody
    log: list[tuple[int, str]]  # what the listing said (level, line), for the flow's log


@dataclass(frozen=True, slots=True)
class ScoreJob:
    """One chunk of agents to fetch, draw, score and mask, with all a worker needs."""

    number: int
    settings: Settings
    week: str
    rubric: Rubric
    known: pl.DataFrame  # its listed files and who took each contact (PLAN_SCHEMA)
    duplicates: dict[str, str]  # its keys skipped because another of its files holds the contact
    spares: dict[str, StoredObject]
    directory: Mapping[str, AgentRef]  # agent id -> name and team, from the roster
    pseudonym_key: bytes
    disputes: list[Dispute]
    scratch: Scratch

    def objects(self) -> dict[str, StoredObject]:
        """Key -> file, for its keys and their spare copies."""
        listed = zip(self.known["key"].to_list(), self.known["size"].to_list(), strict=True)
        return {**{k: StoredObject(k, n) for k, n in listed}, **self.spares}

    def attribution(self) -> Attribution:
        """Who took each of its contacts, as the contact records or the roster say."""
        refs = {
            contact: AgentRef(agent, name, team, connected)
            for contact, agent, name, team, connected in self.known.select(
                "contact_id", "agent_id", "agent_name", "team", "connected_at"
            ).iter_rows()
        }
        return Attribution(by_contact=refs, directory=self.directory)


@dataclass(frozen=True, slots=True)
class ChunkScores:
    """What a scored chunk sends back: its published score rows and its ledger."""

    number: int
    table: str  # its published score rows (masked, with dispute columns): a scratch name
    agents: list[str]  # the agents it scored
    ledger: pl.DataFrame  # masked
    sampled: pl.DataFrame  # agent_id, contact_id (masked): the manifest's sample
    fetched: int  # files read
    rounds: int


@dataclass(frozen=True, slots=True)
class ReportJob:
    """One scored chunk to turn into cards, render and upload."""

    number: int
    settings: Settings
    week: str
    rubric: Rubric
    code_version: str
    trends: Trends  # earlier weeks of its agents
    team: TeamFigures
    scratch: Scratch


@dataclass(frozen=True, slots=True)
class ChunkCards:
    """What a reported chunk sends back: its report (cards, summary rows) and uploads."""

    report: WeekReport
    files: dict[str, dict[str, Any]]  # file name -> sha256, bytes (already uploaded)


# One row per listed file whose contact and agent the listing tells: all a chunk's job needs to
# fetch its files and attribute its contacts, in columns (a million files as Python objects,
# with their contact records, would take ~0.6 GiB of the flow process).
PLAN_SCHEMA: Final = pl.Schema(
    [
        ("key", pl.String),
        ("size", pl.Int64),
        ("contact_id", pl.String),
        ("agent_id", pl.String),
        ("agent_name", pl.String),
        ("team", pl.String),
        ("connected_at", pl.Datetime("us", "UTC")),
    ]
)


def chunk_plan(
    settings: Settings, objects: Sequence[StoredObject], agents: Attribution | None
) -> list[pl.DataFrame] | None:
    """The week's listed files (PLAN_SCHEMA) in chunks of whole agents, or None when some
    file's contact or agent is only known by reading it (or --whole-week)."""
    if settings.whole_week or not objects or agents is None:
        return None
    # column by column: a million rows as tuples would cost ~0.25 GiB more for a moment
    columns: dict[str, list[Any]] = {name: [] for name in PLAN_SCHEMA.names()}
    by_contact = agents.by_contact
    for obj in objects:
        contact = contact_lens_contact_id(obj.key)
        ref = None if contact is None else by_contact.get(contact)
        if ref is None:
            return None
        for name, value in zip(
            PLAN_SCHEMA.names(),
            (obj.key, obj.size, contact, ref.agent_id, ref.agent_name, ref.team, ref.connected_at),
            strict=True,
        ):
            columns[name].append(value)
    known = pl.DataFrame(columns, schema=PLAN_SCHEMA)
    del columns
    workers = max(1, settings.dask_workers or settings.render_workers)
    target = max(1, min(CHUNK_CONTACTS, -(-known.height // (CHUNKS_PER_WORKER * workers))))
    return [known.filter(pl.col("agent_id").is_in(a)) for a in agents_in_chunks(known, target)]


def agents_in_chunks(rows: pl.DataFrame, target: int) -> list[list[str]]:
    """The agents of ``rows`` (one per contact) in chunks of about ``target`` rows, in agent
    order, never splitting an agent."""
    counts = rows.group_by("agent_id").len().sort("agent_id")
    chunks: list[list[str]] = [[]]
    size = 0
    for agent, n in counts.iter_rows():
        if size and size + n > target:
            chunks.append([])
            size = 0
        chunks[-1].append(agent)
        size += n
    return [c for c in chunks if c]


def score_jobs(
    plan: list[pl.DataFrame],
    base: ScoreJob,
    duplicates: Mapping[str, str],
    spares: Mapping[str, StoredObject],
) -> Iterator[ScoreJob]:
    """One job per chunk, each with only its own files, copies and contact records (taken
    from ``plan`` as they go: the flow holds none once it has handed them out)."""
    kept_by: dict[str, list[str]] = {}
    for dropped, kept in duplicates.items():
        kept_by.setdefault(kept, []).append(dropped)
    number = 0
    while plan:
        known = plan.pop(0)
        dups = {d: k for k in known["key"].to_list() for d in kept_by.get(k, ())}
        yield replace(
            base,
            number=number,
            known=known,
            duplicates=dups,
            spares={d: spares[d] for d in dups if d in spares},
        )
        number += 1


def score_agents(job: ScoreJob) -> ChunkScores:
    """Fetch the chunk's files (only what its draw can reach where the sample goes first),
    draw, score and mask; keep the turns and findings for the report step."""
    settings, iso = job.settings, IsoWeek.parse(job.week)

    attribution = job.attribution()

    def read(batch: list[StoredObject]) -> LoadedShard:
        return run_shard(ShardJob(settings, batch, attribution_for(batch, attribution)))

    depth = None if settings.read_all else settings.draw_depth
    found = fetch_in_rank_order(
        Candidates(job.known.select(PENDING_SCHEMA.names()), []),
        job.objects(),
        read,
        week=job.week,
        bounds=iso.utc_bounds(settings.timezone),
        depth=depth or max(1, job.known.height),  # everything, when the draw needs it all
        duplicates=job.duplicates,
        spares=job.spares,
    )
    read_keys, rounds = {obj.key for obj in found.fetched}, found.rounds
    duplicates = {k: v for k, v in job.duplicates.items() if k not in read_keys}
    loaded = found.loaded
    selection = draw_week(loaded, duplicates, settings, iso, job.rubric, found.unread)
    turns = sampled_turns(loaded.contacts, loaded.turns, selection.to_score)
    del loaded, found
    names = Pseudonyms(job.pseudonym_key)
    removed = raw_contact_ids(upheld_findings(job.disputes), names, selection.to_score)
    scored = score_turns(turns, job.rubric, removed)
    selection = mark_unsupported_language(selection, scored.scores)
    masked = mask_week(names, selection, scored.scores, scored.findings, turns)
    findings, matched = apply_disputes(masked.findings, job.disputes)
    table = dispute_columns(
        published_scores_table(job.week, masked.scores, masked.selection.to_score),
        job.disputes,
        matched,
    )
    for name, frame in zip(SCRATCH_FILES, (table, findings, masked.turns), strict=True):
        job.scratch.put(scratch_name(job.number, name), frame)
    return ChunkScores(
        number=job.number,
        table=scratch_name(job.number, "table"),
        agents=table["agent_id"].unique().sort().to_list(),
        ledger=masked.selection.ledger,
        sampled=masked.selection.sampled.select("agent_id", "contact_id"),
        fetched=len(read_keys),
        rounds=rounds,
    )


def report_agents(job: ReportJob) -> ChunkCards:
    """Build the chunk's cards with the week's team medians, render and upload them."""
    table, findings, turns = (job.scratch.frame(scratch_name(job.number, n)) for n in SCRATCH_FILES)
    report = build_week_report(
        week=job.week,
        table=table,
        findings=findings,
        history=pl.DataFrame(),  # its agents' earlier weeks come read: job.trends
        trends=job.trends,
        quarantined=(),
        rubric_version=job.rubric.label,
        code_version=job.code_version,
        timezone=job.settings.timezone,
        turns=turns,
        bands=job.rubric.bands,
        policy=job.rubric.report,
        team=job.team,
    )
    report = with_removed_findings(report, table)
    del table, findings, turns
    files = upload_cards(job.settings, job.week, report)
    # the score rows stay: the week's tables stream from them
    job.scratch.remove([scratch_name(job.number, n) for n in SCRATCH_FILES[1:]])
    return ChunkCards(report, files)


def upload_cards(settings: Settings, week: str, report: WeekReport) -> dict[str, dict[str, Any]]:
    """Render each card and upload it (to the output store and the local copy) while the next
    renders; returns each file's sha256 and size."""
    stores: list[tuple[ObjectStore, str]] = [
        (output_store(settings), week_prefix(settings.output_prefix, week))
    ]
    if settings.out_dir is not None and not settings.workers_elsewhere:
        # a worker on another machine would write its own disk: the flow copies them then
        stores.append((LocalStore(settings.out_dir), f"{week}/"))
    digests: dict[str, dict[str, Any]] = {}
    warm_up()
    with ThreadPoolExecutor(UPLOAD_THREADS, "rapport-chunk-upload") as pool, lighter_gc():
        uploads = []
        for card in report.agents:
            name = scorecard_file_name(card.agent_id)
            data = render_scorecard_pdf(card, page_size=settings.page_size)
            digests[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for store, prefix in stores:
                uploads.append(pool.submit(store.put, prefix + name, data, content_type(name)))
        for upload in uploads:
            upload.result()  # a failed upload fails the chunk (and its task is retried)
    return digests


def trends_of(trends: Trends, agents: Sequence[str]) -> Trends:
    """The trend points and latest earlier week of these agents only."""
    points, latest = trends
    return (
        {a: points[a] for a in agents if a in points},
        {a: latest[a] for a in agents if a in latest},
    )


def joined_selection(parts: Sequence[ChunkScores]) -> WeekSelection:
    """The week's ledger and sample from its chunks'."""
    return WeekSelection(
        ledger=pl.concat([p.ledger for p in parts]).sort("state", "key", "contact_id"),
        sampled=pl.concat([p.sampled for p in parts]),
    )


def joined_table(parts: Sequence[ChunkScores], scratch: Scratch) -> pl.LazyFrame:
    """The week's published score table, read from its chunks' files in the scratch as it is
    used (never whole in the flow process). It is in agent order: the plan cuts the sorted
    agents into runs, the chunks come back in plan order, and each chunk's rows are sorted."""
    if not parts:
        return PUBLISHED_SCORES_SCHEMA.to_frame().lazy()
    return scratch.scan([p.table for p in parts])


def scratch_name(chunk: int, name: str) -> str:
    """The scratch file of one of a chunk's frames (SCRATCH_FILES)."""
    return f"chunk-{chunk:05d}/{name}.parquet"
