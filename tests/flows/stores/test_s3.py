"""S3Store: pagination, pickling, one client across threads, timeouts and errors."""

from __future__ import annotations

import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest.mock import MagicMock

import pytest

from flows.stores.base import StoreConfigError, StoreUnreachable
from flows.stores.s3 import S3Store
from tests.conftest import FAKE_AWS
from tests.e2e.broken_s3 import broken_s3


def test_s3_listing_follows_pagination(s3_store: S3Store) -> None:
    keys = [f"p/2026/11/16/{i:05d}.json" for i in range(35)]
    for key in keys:
        s3_store.put(key, b"{}")
    paged = S3Store(s3_store.bucket, endpoint_url=s3_store.endpoint_url, page_size=10)
    calls: list[str] = []
    paged.client.meta.events.register(
        "before-call.s3.ListObjectsV2", lambda **kw: calls.append("x")
    )
    assert [o.key for o in paged.list("p/2026/11/16/")] == keys
    assert len(calls) == 4
    s3_store.delete(keys)
    assert list(s3_store.list("p/")) == []


def test_s3_store_pickles_without_its_client(s3_store: S3Store) -> None:
    s3_store.put("k", b"v")
    clone = pickle.loads(pickle.dumps(s3_store))
    assert clone.get("k") == b"v"


def test_s3_store_makes_one_client_when_threads_first_use_it_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[object] = []
    start = threading.Barrier(8)

    def slow_client(*args: object, **kwargs: object) -> object:
        time.sleep(0.05)  # widen the window in which a second thread could also make one
        made.append(MagicMock())  # a client: Rapport registers its retry note on it
        return made[-1]

    monkeypatch.setattr("flows.stores.s3.s3_client", slow_client)
    store = S3Store("bucket")

    def first_use() -> object:
        start.wait()
        return store.client

    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(lambda _: first_use(), range(8)))
    assert len(made) == 1
    assert all(c is made[0] for c in clients)
    assert pickle.loads(pickle.dumps(store)).client is not made[0]


def test_timeouts_and_attempts_are_sized_for_s3() -> None:
    config: Any = S3Store("bucket").client.meta.config  # botocore's Config sets these at runtime
    # seconds, not botocore's 60 s per read times 10 retries
    assert (config.connect_timeout, config.read_timeout) == (5.0, 15.0)
    assert config.retries == {"total_max_attempts": 4, "mode": "adaptive"}


def test_an_endpoint_that_never_answers_fails_after_its_attempts_in_one_line(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FAKE_AWS.items():
        monkeypatch.setenv(name, value)
    with broken_s3() as silent:
        store = S3Store("quiet", endpoint_url=silent, timeout=0.5, attempts=2)
        start = time.monotonic()
        with pytest.raises(StoreUnreachable) as failed:
            list(store.list("transcripts/2026/11/16/"))
        took = time.monotonic() - start
    # two attempts of 0.5 s and one backoff (under a second): nothing more
    assert 1.0 <= took < 3.5, took
    assert str(failed.value) == (
        f"listing s3://quiet/transcripts/2026/11/16/: {silent} did not answer in 2 attempts "
        "of 0.5 s (ReadTimeoutError)"
    )
    assert f"no answer from {silent} within 0.5 s (attempt 1 of 2)" in caplog.text


def test_errors_no_retry_can_fix_name_the_bucket_or_key(s3_store: S3Store) -> None:
    missing = S3Store("no-such-bucket-here", endpoint_url=s3_store.endpoint_url)
    with pytest.raises(StoreConfigError, match=r"^listing s3://no-such-bucket-here: bucket does"):
        list(missing.list("transcripts/"))
    with pytest.raises(StoreConfigError, match=rf"^reading s3://{s3_store.bucket}/gone\.json: no"):
        s3_store.get("gone.json")


def test_listing_answers_keep_their_timestamps_as_text(s3_store: S3Store) -> None:
    s3_store.put("in/a.json", b"{}")
    answer: Any = s3_store.client.list_objects_v2(Bucket=s3_store.bucket, Prefix="in/")
    # botocore's dateutil parsing of every listed LastModified was ~3/4 of a page's client CPU
    assert isinstance(answer["Contents"][0]["LastModified"], str)
    assert [(o.key, o.size) for o in s3_store.list("in/")] == [("in/a.json", 2)]


def _peak_bytes(read: Any) -> tuple[Any, int]:
    import tracemalloc

    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_object_is_hashed_as_it_streams_in_not_held_whole(s3_store: S3Store) -> None:
    import hashlib
    import os

    data = os.urandom(24 * 2**20)
    s3_store.put("out/scores.csv", data)
    # moto answers in this process: its own copies count in both peaks alike
    digest, hashing = _peak_bytes(lambda: s3_store.sha256("out/scores.csv"))
    whole, reading = _peak_bytes(lambda: s3_store.get("out/scores.csv"))
    assert digest == hashlib.sha256(whole).hexdigest() == hashlib.sha256(data).hexdigest()
    assert reading - hashing > 16 * 2**20  # reading it whole holds its 24 MiB; hashing does not
    with pytest.raises(StoreConfigError, match=rf"^reading s3://{s3_store.bucket}/gone\.csv: no"):
        s3_store.sha256("gone.csv")


def test_an_object_is_written_from_a_file(s3_store: S3Store, tmp_path: Any) -> None:
    import os

    data = os.urandom(9 * 2**20 + 7)
    path = tmp_path / "scores.csv"
    path.write_bytes(data)
    s3_store.put_file("out/scores.csv", path, "text/csv")
    assert s3_store.get("out/scores.csv") == data
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key="out/scores.csv")
    assert head["ContentType"] == "text/csv"
