"""Choose where the flow's tasks run: threads here (default) or Dask through prefect-dask."""

from __future__ import annotations

from typing import Any

from flows.config.settings import Settings


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
            "dashboard_address": None,
        },
    )


def weekly_flow(settings: Settings) -> Any:
    """The weekly flow, bound to the task runner the settings ask for."""
    from flows.pipeline.weekly import weekly_audit

    runner = task_runner(settings)
    return weekly_audit if runner is None else weekly_audit.with_options(task_runner=runner)
