"""The manifest tells the truth (issue 18, hole 4): against moto's S3 server over HTTP, a
refused delete fails the publish, one run per week holds a lock, reruns give identical PDFs."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator

import pytest

from flows.publish.publish import (
    WeekLock,
    WeekLocked,
    WeekPublisher,
    publish,
    week_lock_key,
    week_prefix,
)
from flows.stores.base import StoreConfigError
from flows.stores.s3 import S3Store
from tests.e2e.conftest import WEEKS, Bucket
from tests.support.faulty_s3 import REFUSE_DELETE, FaultPlan, faulty_s3
from tests.support.manifests import bare_manifest

pytestmark = pytest.mark.e2e
WEEK = "2026-W47"


class RefuseDeletes(FaultPlan):
    """Every DeleteObjects batch gets a per-key AccessDenied for each key."""

    def next_fault(self) -> str | None:
        return REFUSE_DELETE


@pytest.fixture
def refusing_store(s3_store: S3Store) -> Iterator[S3Store]:
    """The same bucket, reached through a proxy whose deletes S3 'refuses' key by key."""
    with faulty_s3(s3_store.endpoint_url or "", RefuseDeletes()) as url:
        yield S3Store(s3_store.bucket, endpoint_url=url, attempts=1)


def test_a_delete_refused_key_by_key_fails_the_publish_and_no_new_manifest_is_written(
    s3_store: S3Store, refusing_store: S3Store
) -> None:
    prefix = week_prefix("scorecards", WEEK)
    old = publish(s3_store, prefix, {"a-1.pdf": b"%PDF old"}, bare_manifest(WEEK))

    # Before: delete_objects(Quiet=True) answered 200 with an <Error> per key and nobody read
    # it, so the old manifest stayed while its files were replaced.
    with pytest.raises(StoreConfigError) as caught:
        WeekPublisher(refusing_store, prefix)
    message = str(caught.value)
    assert f"{prefix}manifest.json (AccessDenied" in message
    assert "1 of 1 keys were not deleted" in message
    assert json.loads(s3_store.get(prefix + "manifest.json")) == json.loads(
        old.to_json()
    )  # nothing replaced


def test_stale_files_that_cannot_be_deleted_fail_the_publish_before_the_manifest(
    s3_store: S3Store, refusing_store: S3Store
) -> None:
    prefix = week_prefix("scorecards", WEEK)
    s3_store.put(prefix + "gone.pdf", b"%PDF stale")  # a stale file and no manifest
    publisher = WeekPublisher(refusing_store, prefix)
    try:
        publisher.put("a-1.pdf", b"%PDF new")
        with pytest.raises(StoreConfigError, match=r"gone\.pdf \(AccessDenied"):
            publisher.finish(bare_manifest(WEEK))
    finally:
        publisher.close()
    assert not [o for o in s3_store.list(prefix) if o.key.endswith("manifest.json")]


def test_one_run_per_week_holds_the_lock_and_others_fail_fast_naming_it(
    s3_store: S3Store,
) -> None:
    locks = [WeekLock(s3_store, "scorecards", WEEK) for _ in range(6)]
    results: list[str] = []
    barrier = threading.Barrier(len(locks))

    def take(lock: WeekLock) -> None:
        barrier.wait()
        try:
            lock.acquire()
            results.append("held")
        except WeekLocked as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=take, args=(lock,)) for lock in locks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert results.count("held") == 1, results
    key = week_lock_key("scorecards", WEEK)
    for refused in (r for r in results if r != "held"):
        assert refused.startswith(f"{WEEK} is being published by another run: lock s3://")
        assert f"{s3_store.bucket}/{key}" in refused
    (holder,) = [lock for lock in locks if lock.held]
    other = next(lock for lock in locks if not lock.held)
    holder.release()
    assert not list(s3_store.list(key))
    other.acquire()  # free again once released
    other.release()
    # another week is not held up by this one
    with WeekLock(s3_store, "scorecards", WEEKS[0]), WeekLock(s3_store, "scorecards", WEEK):
        pass


def test_a_stale_lock_expires_after_its_time(s3_store: S3Store) -> None:
    dead = WeekLock(s3_store, "scorecards", WEEK, ttl_seconds=0.5)
    dead.acquire()  # a run that died without releasing
    with pytest.raises(WeekLocked):
        WeekLock(s3_store, "scorecards", WEEK).acquire()
    time.sleep(1.1)
    with WeekLock(s3_store, "scorecards", WEEK) as taker:
        assert taker.held
        held = json.loads(s3_store.get(taker.key))
        assert held["token"] == taker.token
    assert not list(s3_store.list(taker.key))
    dead.release()  # no longer its lock: nothing happens


def race(locks: list[WeekLock]) -> list[str]:
    """Every lock tries to take the week at the same moment: 'held' or the refusal, each."""
    results: list[str] = []
    barrier = threading.Barrier(len(locks))

    def take(lock: WeekLock) -> None:
        barrier.wait()
        try:
            lock.acquire()
            results.append("held")
        except WeekLocked as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=take, args=(lock,)) for lock in locks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_runs_taking_over_a_stale_lock_at_once_leave_exactly_one_holder(
    s3_store: S3Store,
) -> None:
    WeekLock(s3_store, "scorecards", WEEK, ttl_seconds=0).acquire()  # a run that was killed
    time.sleep(0.1)
    locks = [WeekLock(s3_store, "scorecards", WEEK) for _ in range(6)]
    results = race(locks)
    assert results.count("held") == 1, results
    (holder,) = [lock for lock in locks if lock.held]
    assert json.loads(s3_store.get(holder.key))["token"] == holder.token


def test_put_if_match_replaces_only_the_version_read(s3_store: S3Store) -> None:
    s3_store.put("k", b"1")
    _, tag = s3_store.get_tagged("k")
    assert s3_store.put_if_match("k", b"2", tag)
    assert not s3_store.put_if_match("k", b"3", tag)  # replaced since
    assert not s3_store.put_if_match("gone", b"4", tag)  # no such key
    assert s3_store.get("k") == b"2"


@pytest.mark.usefixtures("prefect_harness")
def test_a_second_run_of_a_week_fails_fast_and_a_rerun_gives_identical_pdfs(
    generated_bucket: Bucket,
) -> None:
    from flows.pipeline.weekly import weekly_audit

    bucket = generated_bucket
    week = WEEKS[-1]
    weekly_audit(week=week, settings=bucket.settings())
    first = bucket.manifest(week)

    with WeekLock(bucket.store, "scorecards", week) as other_run:
        began = time.perf_counter()
        with pytest.raises(WeekLocked, match=rf"{week} is being published by another run"):
            weekly_audit(week=week, settings=bucket.settings())
        assert time.perf_counter() - began < 10
        assert bucket.manifest(week) == first  # untouched
        assert other_run.held

    time.sleep(1.1)  # the manifest's generated_at may differ; the PDFs must not
    weekly_audit(week=week, settings=bucket.settings())
    second = bucket.manifest(week)
    pdfs = {n: m for n, m in first["files"].items() if n.endswith(".pdf")}
    assert len(pdfs) > 3
    assert {n: m for n, m in second["files"].items() if n.endswith(".pdf")} == pdfs
    # every card is where the manifest says, with the hash it says
    assert second["scorecards"]
    for agent, name in second["scorecards"].items():
        data = bucket.store.get(bucket.key(week, name))
        assert hashlib.sha256(data).hexdigest() == second["files"][name]["sha256"], agent
    assert not list(bucket.store.list(week_lock_key("scorecards", week)))
    named = bucket.scores(week).select("agent_id", "scorecard").unique().drop_nulls()
    assert dict(named.iter_rows()) == second["scorecards"]
