"""Where the flow's work runs: here (threads and process pools) or on Dask via prefect-dask.

The flow asks one `Execution` to load shards, score chunks of agents and render the week; it
never branches on the strategy itself.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final, Protocol, TypeVar

import polars as pl
from prefect import Task, unmapped
from prefect.futures import PrefectFuture

from checks.criteria.results import ScoredBatch
from checks.rubric.rubric import Rubric
from flows.config.settings import Settings
from flows.ingest.attribution import Attribution
from flows.ingest.load_workers import load_pool
from flows.ingest.loading import LoadedShard, attribution_for
from flows.pipeline.agent_chunks import (
    ChunkCards,
    ChunkScores,
    ReportJob,
    ScoreJob,
    agents_in_chunks,
)
from flows.pipeline.tasks import (
    load_shard,
    opaque,
    render,
    render_chunk,
    render_summaries,
    report_agents_task,
    score_agents_task,
    score_chunk,
    warm_up_renderer,
)
from flows.publish.publish import WeekPublisher
from flows.render.pdf import TEAM_SUMMARY_FILE, render_pool
from flows.report.model import TeamSummary, WeekReport
from flows.report.team_scope import team_summaries
from flows.stores.base import StoredObject

SCORE_CHUNK_CONTACTS = 10_000
# Two chunks at a time: polars leaves about half a core idle on one chunk (~28% faster in
# pairs), and more at once multiplies the peak memory.
SCORE_CONCURRENCY = 2

R = TypeVar("R")
Renderer = Callable[[WeekReport, Sequence[WeekPublisher]], int]


class Execution(Protocol):
    """How one run loads, scores and renders: the flow's only view of where work runs."""

    def load(
        self, shards: list[list[StoredObject]], agents: Attribution | None
    ) -> list[LoadedShard]:
        """Fetch and parse every shard of files."""
        ...

    def score(
        self,
        turns: pl.DataFrame,
        chunks: list[list[str]],
        rubric: Rubric,
        removed: pl.DataFrame | None = None,
    ) -> list[ScoredBatch]:
        """Score each chunk of whole agents of the week's sampled turns (findings upheld in a
        dispute, ``removed``, count for nothing)."""
        ...

    def renderer(self) -> AbstractContextManager[Renderer]:
        """A renderer whose workers start now, so they warm up while the report is built."""
        ...

    def agent_workers(self) -> AbstractContextManager[ChunkWork]:
        """Workers that audit chunks of agents apart (flows/pipeline/agent_chunks.py)."""
        ...


class ChunkWork:
    """Chunks of agents audited in tasks, a few at a time, each in a worker process (a Dask
    worker, or a process of the local pool)."""

    def __init__(self, settings: Settings, pool: Executor | None, window: int) -> None:
        self.settings = settings
        self.pool = pool
        self.window = window  # chunks under way at once: the rest wait unpickled

    def score(self, jobs: Iterable[ScoreJob]) -> list[ChunkScores]:
        """Fetch, draw, score and mask each chunk."""
        return self._run(score_agents_task, jobs)

    def report(self, jobs: Iterable[ReportJob]) -> list[ChunkCards]:
        """Build, render and upload each scored chunk's cards."""
        return self._run(report_agents_task, jobs)

    def summaries(self, summaries: dict[str, TeamSummary]) -> dict[str, bytes]:
        """Render the team summaries in a few tasks of about equal work."""
        # One task for all of them kept one worker busy while the others idled (1,000 agents in
        # 80 teams: 17.5 s on one core after the last card); a task each paid Prefect's cost of
        # a task 81 times.
        jobs = [
            ({name: summaries[name] for name in group}, self.settings.page_size)
            for group in summary_groups(summaries, self.window)
        ]
        rendered = self._run(render_summaries, jobs)
        return {name: pdf for part in rendered for name, pdf in part.items()}

    def _run(self, work: Task[..., R], jobs: Iterable[Any]) -> list[R]:
        done: list[R] = []
        pending: list[PrefectFuture[R]] = []
        for job in jobs:
            # pickled here: Prefect would walk every frame of the job, and its quote() marker
            # does not survive the trip to a Dask worker
            payload = pickle.dumps(job)
            if self.pool is None:
                pending.append(work.submit(payload))
            else:
                pending.append(work.submit(payload, opaque(self.pool)))
            if len(pending) >= self.window:
                done.append(pending.pop(0).result())
        return done + [f.result() for f in pending]


# A summary's fixed cost (its pages, headings and distribution chart) in agents' rows.
SUMMARY_BASE_ROWS: Final = 12


def summary_groups(summaries: Mapping[str, TeamSummary], groups: int) -> list[list[str]]:
    """The summaries' names in at most ``groups`` groups of about equal rendering work (rows of
    agents), the longest summary first in the first group."""
    bins: list[tuple[int, int, list[str]]] = [(0, i, []) for i in range(max(1, groups))]
    for name in sorted(summaries, key=lambda n: -len(summaries[n].agents)):
        work, i, names = heapq.heappop(bins)  # the group with the least work so far
        names.append(name)
        heapq.heappush(bins, (work + SUMMARY_BASE_ROWS + len(summaries[name].agents), i, names))
    return [names for _, _, names in sorted(bins, key=lambda b: b[1]) if names]


class LocalExecution:
    """Prefect's thread pool for tasks, a process pool for loading and for rendering."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def load(
        self, shards: list[list[StoredObject]], agents: Attribution | None
    ) -> list[LoadedShard]:
        """Shards in threads; their parsing in worker processes when the week is large."""
        if not shards:
            return []
        parts = [attribution_for(shard, agents) for shard in shards]
        with load_pool(self.settings, sum(len(s) for s in shards)) as pool:
            if pool is None:
                return load_shard.map(unmapped(self.settings), shards, parts).result()
            return load_shard.map(
                unmapped(self.settings), shards, parts, unmapped(opaque(pool))
            ).result()

    def score(
        self,
        turns: pl.DataFrame,
        chunks: list[list[str]],
        rubric: Rubric,
        removed: pl.DataFrame | None = None,
    ) -> list[ScoredBatch]:
        """SCORE_CONCURRENCY chunks at a time, each cut from the turns when it is submitted."""
        batches: list[ScoredBatch] = []
        pending: list[PrefectFuture[ScoredBatch]] = []
        for agents in chunks:
            part = turns.filter(pl.col("agent_id").is_in(agents))
            pending.append(score_chunk.submit(part, rubric, removed))
            if len(pending) == SCORE_CONCURRENCY:
                batches.append(pending.pop(0).result())
        return batches + [f.result() for f in pending]

    @contextmanager
    def renderer(self) -> Iterator[Renderer]:
        """Render worker processes, warm before the first PDF."""
        with render_pool(self.settings.render_workers) as pool:

            def render_week(report: WeekReport, sinks: Sequence[WeekPublisher]) -> int:
                return render(opaque(report), self.settings, opaque(sinks), opaque(pool))

            yield render_week

    @contextmanager
    def agent_workers(self) -> Iterator[ChunkWork]:
        """The render pool's processes (warm by the first card) score and report the chunks."""
        with render_pool(self.settings.render_workers) as pool:
            yield ChunkWork(self.settings, pool, 2 * self.settings.render_workers)


class DaskExecution:
    """Every task on the Dask cluster of the flow's task runner (prefect-dask)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def load(
        self, shards: list[list[StoredObject]], agents: Attribution | None
    ) -> list[LoadedShard]:
        """One task per shard on the workers (quote() would not survive the trip)."""
        if not shards:
            return []
        parts = [attribution_for(shard, agents) for shard in shards]
        return load_shard.map(unmapped(self.settings), shards, parts).result()

    def score(
        self,
        turns: pl.DataFrame,
        chunks: list[list[str]],
        rubric: Rubric,
        removed: pl.DataFrame | None = None,
    ) -> list[ScoredBatch]:
        """All chunks at once: the cluster spreads them."""
        parts = [turns.filter(pl.col("agent_id").is_in(agents)) for agents in chunks]
        if not parts:
            return []
        return score_chunk.map(parts, unmapped(rubric), unmapped(removed)).result()

    @contextmanager
    def renderer(self) -> Iterator[Renderer]:
        """Chunks of agents rendered on the workers, their PDFs uploaded from here; each
        worker loads fonts and stylesheets now, while the report is being built."""
        warming = [warm_up_renderer.submit() for _ in range(max(1, self.settings.dask_workers))]
        try:
            yield self._render
        finally:
            for future in warming:
                future.wait()

    @contextmanager
    def agent_workers(self) -> Iterator[ChunkWork]:
        """Chunks as tasks on the cluster, twice as many under way as it has workers."""
        yield ChunkWork(self.settings, None, 2 * (self.settings.dask_workers or 4))

    def _render(self, report: WeekReport, sinks: Sequence[WeekPublisher]) -> int:
        n = len(report.agents)
        step = max(1, -(-n // (4 * max(1, self.settings.dask_workers or 4))))
        # Chunks travel as pickled bytes: Prefect would otherwise walk every object of every
        # chunk, and its quote() marker does not survive the trip to a Dask worker.
        summaries = {TEAM_SUMMARY_FILE: report.team, **team_summaries(report)}
        payloads = [
            pickle.dumps((report.agents[i : i + step], summaries if i == 0 else None))
            for i in range(0, max(n, 1), step)
        ]
        futures = [render_chunk.submit(p, self.settings) for p in payloads]
        made = 0
        for future in futures:
            files = future.result()
            for sink in sinks:
                sink.put_all(files)
            made += len(files)
        return made


def execution_for(settings: Settings) -> Execution:
    """The execution the settings ask for (Dask when --workers or --dask-address is set)."""
    return DaskExecution(settings) if settings.distributed else LocalExecution(settings)


def agent_chunks(sampled: pl.DataFrame, target: int = SCORE_CHUNK_CONTACTS) -> list[list[str]]:
    """Group agents into chunks of about `target` contacts, never splitting an agent."""
    return agents_in_chunks(sampled, target)


def shards_of(objects: Sequence[StoredObject], size: int) -> list[list[StoredObject]]:
    """Split the listing into shards of at most `size` files."""
    return [list(objects[i : i + size]) for i in range(0, len(objects), size)]


def task_runner(settings: Settings) -> Any:
    """A DaskTaskRunner for --workers/--dask-address, else None (Prefect's thread pool)."""
    if not settings.distributed:
        return None
    from prefect_dask.task_runners import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": settings.dask_workers,
            "threads_per_worker": 1,
            "processes": True,
            # any free port: its HTTP server (health, metrics) starts even with no dashboard,
            # and two runs on one host would fight over 8787
            "dashboard_address": ":0",
        },
    )


def weekly_flow(settings: Settings) -> Any:
    """The weekly flow, bound to the task runner the settings ask for."""
    from flows.pipeline.weekly import weekly_audit

    runner = task_runner(settings)
    return weekly_audit if runner is None else weekly_audit.with_options(task_runner=runner)
