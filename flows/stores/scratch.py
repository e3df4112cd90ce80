"""Where a run's chunks of agents leave their files between steps: a folder of this machine,
or a prefix of an object store that workers on other machines reach as well."""

from __future__ import annotations

import io
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.config.settings import Settings
from flows.stores.base import ObjectStore
from flows.stores.factory import output_store, s3_bucket
from flows.stores.local import LocalStore

# Under the output prefix: the worker policy may already write there (infra/iam).
REMOTE_SCRATCH: str = "_scratch"


@dataclass(frozen=True, slots=True)
class Scratch:
    """A run's own scratch space: parquet files by name, kept in a store under a prefix."""

    store: ObjectStore
    prefix: str  # the run's own, ending in "/" ("" in a folder of the run's own)
    cache: Path  # the flow's local copies of remote files it scans

    @property
    def folder(self) -> Path | None:
        """The same files as paths, when the store is a folder of this machine."""
        return self.store.root if isinstance(self.store, LocalStore) else None

    def put(self, name: str, frame: pl.DataFrame) -> None:
        """Keep a frame under this name."""
        if self.folder is not None:  # straight to disk: no copy of the file in memory
            path = self.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(path)
            return
        buf = io.BytesIO()
        frame.write_parquet(buf)
        self.store.put(self.prefix + name, buf.getvalue())

    def frame(self, name: str) -> pl.DataFrame:
        """The frame kept under this name."""
        if self.folder is not None:
            return pl.read_parquet(self.folder / name)
        return pl.read_parquet(io.BytesIO(self.store.get(self.prefix + name)))

    def scan(self, names: Sequence[str]) -> pl.LazyFrame:
        """These files as one lazy frame, read where they are on this machine's disk, else
        copied to the local cache first (the flow streams the week's tables from them)."""
        if self.folder is not None:
            return pl.scan_parquet([self.folder / n for n in names])
        paths = []
        for name in names:
            path = self.cache / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.store.get(self.prefix + name))
            paths.append(path)
        return pl.scan_parquet(paths)

    def remove(self, names: Sequence[str]) -> None:
        """Forget these files (those already gone included)."""
        if self.folder is not None:
            for name in names:
                (self.folder / name).unlink(missing_ok=True)
            return
        self.store.delete([self.prefix + n for n in names])


def scratch_location(settings: Settings) -> tuple[ObjectStore, str] | Path | None:
    """Where the run's scratch goes: a store and prefix (s3://bucket/prefix, or the output
    store on an outside Dask cluster, whose workers may be other machines), a folder, or
    None for a temporary folder of this machine."""
    where = settings.scratch_dir
    if where is not None and where.startswith("s3://"):
        bucket, _, prefix = where.removeprefix("s3://").partition("/")
        return s3_bucket(settings, bucket), prefix.strip("/")
    if where is not None:
        return Path(where)
    if settings.workers_elsewhere and settings.store == "s3":
        return output_store(settings), f"{settings.output_prefix.strip('/')}/{REMOTE_SCRATCH}"
    return None


@contextmanager
def scratch_space(settings: Settings) -> Iterator[Scratch]:
    """A scratch of this run's own (see scratch_location), emptied and removed at the end."""
    where = scratch_location(settings)
    cache = Path(tempfile.mkdtemp(prefix="rapport-scratch-cache-"))
    scratch: Scratch
    if isinstance(where, tuple):
        store, base = where
        run = f"rapport-chunks-{uuid.uuid4().hex[:12]}/"
        scratch = Scratch(store, f"{base}/{run}" if base else run, cache)
    else:
        if where is not None:
            where.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="rapport-chunks-", dir=where))
        scratch = Scratch(LocalStore(folder), "", cache)
    try:
        yield scratch
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if scratch.folder is not None:
            shutil.rmtree(scratch.folder, ignore_errors=True)
        else:
            scratch.store.delete([o.key for o in scratch.store.list(scratch.prefix)])
