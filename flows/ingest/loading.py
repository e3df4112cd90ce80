"""Fetch and parse one shard of stored files into compact frames, quarantining what is bad."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from checks.transcripts.transcript import CONTACTS_SCHEMA, TURNS_SCHEMA, Contact
from flows.ingest.attribution import Attribution, attribute
from flows.ingest.formats import (
    ColumnarResult,
    ParseResult,
    Quarantine,
    TurnColumns,
    parse_file_columns,
)
from flows.ingest.formats.contact_lens import contact_lens_contact_id
from flows.runtime.io_threads import IOThreads, Progress
from flows.stores.base import ObjectStore, StoredObject
from flows.stores.local import LocalStore

FETCH_THREADS = 16
BATCH_FILES = 16


@dataclass(slots=True)
class LoadedShard:
    """Contacts (metadata and turns) read from a set of files, and what was quarantined."""

    contacts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CONTACTS_SCHEMA))
    turns: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=TURNS_SCHEMA))
    quarantined: list[Quarantine] = field(default_factory=list)


Parser = Callable[[str, bytes], ParseResult | ColumnarResult]
ContactColumns = tuple[Contact, TurnColumns]


@dataclass(slots=True)
class _Frames:
    """A batch of files' contacts as frames: attributed ones, and those nobody could attribute."""

    attributed: tuple[pl.DataFrame, pl.DataFrame]
    unattributed: tuple[pl.DataFrame, pl.DataFrame] | None
    problems: list[Quarantine]


def contact_frames(items: Sequence[ContactColumns]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(contacts, turns) frames of contacts whose turns are columns: the frames contacts_frame
    and turns_frame give for the same contacts with Turn records."""
    meta: dict[str, list[object]] = {name: [] for name in CONTACTS_SCHEMA.names()}
    cols: dict[str, list[object]] = {name: [] for name in TURNS_SCHEMA.names()}
    contact_ids, agent_ids, turn_index = cols["contact_id"], cols["agent_id"], cols["turn"]
    for contact, turns in items:
        for name, values in meta.items():
            values.append(getattr(contact, name))
        n = len(turns.text)
        contact_ids.extend([contact.contact_id] * n)
        agent_ids.extend([contact.agent_id] * n)
        turn_index.extend(range(n))
        cols["speaker"].extend(turns.speaker)
        cols["text"].extend(turns.text)
        cols["begin_ms"].extend(turns.begin_ms)
        cols["end_ms"].extend(turns.end_ms)
    return (
        pl.DataFrame(meta, schema=CONTACTS_SCHEMA),
        pl.DataFrame(cols, schema=TURNS_SCHEMA),
    )


def _batch_frames(results: Sequence[ColumnarResult], attribution: Attribution | None) -> _Frames:
    items = [item for result in results for item in result.contacts]
    problems = [q for result in results for q in result.problems]
    if attribution is None:
        return _Frames(contact_frames(items), None, problems)
    attributed: list[ContactColumns] = []
    unattributed: list[ContactColumns] = []
    for contact, turns in items:
        done, left = attribute([contact], attribution)
        if done:
            attributed.append((done[0], turns))
        else:
            unattributed.append((left[0], turns))
    rest = contact_frames(unattributed) if unattributed else None
    return _Frames(contact_frames(attributed), rest, problems)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def _safe_batch_frames(
    keys: Sequence[str], results: Sequence[ColumnarResult], attribution: Attribution | None
) -> _Frames:
    """_batch_frames, but a file whose values the week's tables cannot hold (a number past
    Int64, say) is quarantined under its own key instead of failing the batch and the week."""
    try:
        return _batch_frames(results, attribution)
    except Exception:  # find the file(s) at fault: one at a time, only on this rare path
        pass
    parts: list[_Frames] = []
    for key, result in zip(keys, results, strict=True):
        try:
            parts.append(_batch_frames([result], attribution))
        except Exception as exc:
            reason = f"values the week's tables cannot hold ({_one_line(exc)})"
            empty = (LoadedShard().contacts, LoadedShard().turns)
            parts.append(_Frames(empty, None, [*result.problems, Quarantine(key, reason)]))
    rest = [p.unattributed for p in parts if p.unattributed is not None]
    return _Frames(
        (
            pl.concat([p.attributed[0] for p in parts], rechunk=False),
            pl.concat([p.attributed[1] for p in parts], rechunk=False),
        ),
        (
            pl.concat([c for c, _ in rest], rechunk=False),
            pl.concat([t for _, t in rest], rechunk=False),
        )
        if rest
        else None,
        [q for p in parts for q in p.problems],
    )


def batches_of(objects: Sequence[StoredObject], threads: int) -> list[Sequence[StoredObject]]:
    """Split files into batches for the fetch threads: all busy, each batch a frame's worth."""
    size = max(1, min(BATCH_FILES, len(objects) // threads))
    return [objects[i : i + size] for i in range(0, len(objects), size)]


def load_objects(
    store: ObjectStore,
    objects: Sequence[StoredObject],
    *,
    max_bytes: int,
    parser: Parser = parse_file_columns,
    attribution: Attribution | None = None,
    progress: Progress | None = None,
) -> LoadedShard:
    """Read each object (in parallel threads: S3 GETs wait on the network) and parse it.

    Each batch of a few files becomes compact frames as soon as it is read, so no more than
    the batches in flight are ever held as Python objects. With an attribution, contacts that
    name no agent get one from it; those nobody can attribute keep agent_id null and come
    last (the ledger reports them as unattributed). `progress(files done, files, seconds)` is
    called every few seconds while files are still being read.
    """

    def read_one(obj: StoredObject) -> ColumnarResult:
        if obj.size > max_bytes:
            reason = f"file is {obj.size:,} bytes, over the {max_bytes:,}-byte limit"
            return ColumnarResult(problems=[Quarantine(obj.key, reason)])
        try:
            data = store.get(obj.key)
        except (OSError, ValueError) as exc:
            if not isinstance(store, LocalStore):
                raise  # S3 failures fail (and retry) the task: the file is not at fault
            # a local file that cannot be read: a symlink out of the root, no permission
            return ColumnarResult(problems=[Quarantine(obj.key, f"cannot read the file: {exc}")])
        try:
            result = parser(obj.key, data)
            return ColumnarResult.of(result) if isinstance(result, ParseResult) else result
        except Exception as exc:  # a reader bug must not stop the week; the reason says so
            return ColumnarResult(
                problems=[Quarantine(obj.key, f"internal reader error: {_one_line(exc)}")]
            )

    def read_batch(batch: Sequence[StoredObject]) -> _Frames:
        return _safe_batch_frames(
            [obj.key for obj in batch], [read_one(obj) for obj in batch], attribution
        )

    batches = batches_of(objects, FETCH_THREADS)
    ends = [0]
    for batch in batches:
        ends.append(ends[-1] + len(batch))

    def files_done(done: int, total: int, seconds: float) -> None:
        if progress is not None:
            progress(ends[done], len(objects), seconds)

    with IOThreads(FETCH_THREADS, "rapport-fetch") as pool:
        done = pool.map(read_batch, batches, files_done)
    parts = [d.attributed for d in done] + [d.unattributed for d in done if d.unattributed]
    return LoadedShard(
        # no rechunk: a contiguous copy of the shard would double its peak for nothing
        contacts=pl.concat([LoadedShard().contacts] + [c for c, _ in parts], rechunk=False),
        turns=pl.concat([LoadedShard().turns] + [t for _, t in parts], rechunk=False),
        quarantined=[q for d in done for q in d.problems],
    )


def attribution_for(
    objects: Sequence[StoredObject], agents: Attribution | None
) -> Attribution | None:
    """The part of the attribution a shard of files needs: the contacts its keys name, when
    every key names one (Contact Lens), else all of it."""
    # Each shard is a task: its arguments are walked by Prefect and pickled to its worker, so
    # 250,000 contact records per shard cost more than reading the shard's files.
    if agents is None:
        return None
    ids = [contact_lens_contact_id(obj.key) for obj in objects]
    if any(i is None for i in ids):
        return agents
    by_contact = agents.by_contact
    return Attribution(
        by_contact={i: by_contact[i] for i in ids if i is not None and i in by_contact},
        directory=agents.directory,
    )


def merge_shards(shards: Sequence[LoadedShard]) -> LoadedShard:
    """Concatenate shards into one."""
    return LoadedShard(
        contacts=pl.concat([s.contacts for s in shards] or [LoadedShard().contacts]),
        turns=pl.concat([s.turns for s in shards] or [LoadedShard().turns]),
        quarantined=[q for s in shards for q in s.quarantined],
    )


def fallback_copies(
    duplicates: Mapping[str, str],
    spares: Mapping[str, StoredObject],
    quarantined: Sequence[Quarantine],
) -> list[StoredObject]:
    """The copies left unread because another copy of the same contact was preferred (the
    redacted one, the newest), whose preferred copy was then quarantined as a whole: they are
    read before the contact counts as lost."""
    broken = {q.key for q in quarantined}
    return [spares[k] for k, kept in sorted(duplicates.items()) if kept in broken and k in spares]
