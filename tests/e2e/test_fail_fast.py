"""`rapport run` as a user runs it, against S3 endpoints that go wrong: it says what it waits
for, ends a week at once on errors no retry can fix, and stops within seconds when told to."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import boto3
import pytest

from flows.examples.generate import generate_week, week_files
from flows.stores.s3 import S3Store
from tests.e2e.broken_s3 import broken_s3
from tests.e2e.conftest import PrefectApi
from tests.e2e.processes import Command, rapport_command, user_env

pytestmark = pytest.mark.e2e
WEEK = "2026-W47"
TRACEBACK = re.compile(r"Traceback|^\s+File \"", re.M)


@pytest.fixture(scope="module")
def week_bucket(s3_endpoint: str) -> S3Store:
    """A bucket on the moto server holding one generated week."""
    store = S3Store("fail-fast-week", endpoint_url=s3_endpoint)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=store.bucket
    )
    for key, data in week_files(generate_week(WEEK, seed=7), "transcripts"):
        store.put(key, data)
    return store


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 90) -> Command:
    """Run `rapport run --week WEEK ...` to its end."""
    cmd = Command(rapport_command("run", "--week", WEEK, *args), env, cwd)
    try:
        cmd.wait(timeout)
    finally:
        cmd.stop()
    return cmd


def run_seconds(cmd: Command) -> float:
    """Seconds from the week's first line to the command's last."""
    start = next(t for t, line in cmd.lines if "Auditing" in line)
    return cmd.lines[-1][0] - start


@pytest.mark.parametrize("case", ["no credentials", "no such bucket", "access denied"])
def test_errors_no_retry_can_fix_end_the_week_at_once_in_one_line(
    case: str, week_bucket: S3Store, prefect_api: PrefectApi, tmp_path: Path
) -> None:
    env = user_env(tmp_path, PREFECT_API_URL=prefect_api.url)
    endpoint, bucket = week_bucket.endpoint_url or "", week_bucket.bucket
    if case == "no credentials":
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(name, None)
        env.update(AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_CONFIG_FILE="/nonexistent")
        expected = rf"listing s3://{bucket}/transcripts/2026/11/\d\d/: no usable AWS credentials"
    elif case == "no such bucket":
        bucket = "no-such-rapport-bucket"
        expected = rf"listing s3://{bucket}: bucket does not exist \(NoSuchBucket\)"
    else:
        expected = rf"reading s3://{bucket}/transcripts/2026/11/\d\d/\S+: access denied"
    with broken_s3(endpoint, reads="denied") as denying:
        url = denying if case == "access denied" else endpoint
        cmd = run(["--endpoint-url", url, "--bucket", bucket], env, tmp_path)

    assert cmd.proc.returncode == 1, cmd.output
    (failed,) = [line for _, line in cmd.lines if f"{WEEK} failed:" in line]
    assert re.search(expected, failed), failed
    assert not TRACEBACK.search(cmd.output), cmd.output
    assert "Retry 1/" not in cmd.output  # the task was not run again
    # The week ends at once: no retry delays, a screenful at most.
    assert run_seconds(cmd) < 8, cmd.output
    assert len(cmd.lines) < 40, cmd.output


def test_an_endpoint_that_never_answers_is_reported_while_waiting_and_fails_in_bounded_time(
    prefect_api: PrefectApi, tmp_path: Path
) -> None:
    env = user_env(
        tmp_path,
        PREFECT_API_URL=prefect_api.url,
        RAPPORT_S3_TIMEOUT="1",  # seconds per attempt (15 by default), so the test is short
        RAPPORT_S3_ATTEMPTS="2",
    )
    with broken_s3() as silent:
        cmd = run(["--endpoint-url", silent, "--bucket", "quiet"], env, tmp_path)

    out = cmd.output
    assert cmd.proc.returncode == 1, out
    assert re.search(rf"Listing {WEEK}, Mon 16 Nov 00:00 to Mon 23 Nov 00:00 UTC: 7 day", out)
    assert f"no answer from {silent} within 1 s (attempt 1 of 2)" in out, out
    (failed,) = [line for _, line in cmd.lines if f"{WEEK} failed:" in line]
    assert f"{silent} did not answer in 2 attempts of 1 s" in failed, failed
    assert "s3://quiet/transcripts/2026/11/" in failed
    assert not TRACEBACK.search(out), out
    # 2 attempts of 1 s plus botocore's backoff, once: no task retries on top.
    assert run_seconds(cmd) < 10, out


@pytest.mark.parametrize(
    ("how", "stage", "status"),
    [("SIGTERM", "loading", 143), ("Ctrl+C (SIGINT)", "listing", 130)],
)
def test_a_stop_signal_ends_a_run_stuck_on_s3_within_seconds(
    how: str,
    stage: str,
    status: int,
    week_bucket: S3Store,
    prefect_api: PrefectApi,
    tmp_path: Path,
) -> None:
    env = user_env(tmp_path, PREFECT_API_URL=prefect_api.url)
    # Stuck while loading: listings answer, object reads never do (threads wait on them).
    # Stuck while listing: nothing answers (the flow's own thread waits).
    upstream = week_bucket.endpoint_url if stage == "loading" else None
    with broken_s3(upstream) as endpoint:
        cmd = Command(
            rapport_command(
                "run", "--week", WEEK, "--endpoint-url", endpoint, "--bucket", week_bucket.bucket
            ),
            env,
            tmp_path,
        )
        try:
            if stage == "loading":
                cmd.wait_for(r"Loading \d+ files in 1 shard", 60)
                # Silent reads, yet the run says where it is.
                cmd.wait_for(r"Loading: 0 of \d+ files read after 10 s", 20)
            else:
                cmd.wait_for(f"Listing {WEEK}", 60)
                time.sleep(1)  # well inside a request that will never be answered
            sent = time.monotonic()
            if how == "SIGTERM":
                cmd.proc.send_signal(signal.SIGTERM)  # what `kill` or a supervisor sends
            else:
                os.killpg(cmd.proc.pid, signal.SIGINT)  # Ctrl+C: the terminal signals the group
            code = cmd.wait(15)
            took = time.monotonic() - sent
            assert not cmd.group_alive(), "a worker or server outlived the run"
        finally:
            cmd.stop()

    out = cmd.output
    assert code == status, out
    assert took < 6, f"{took:.1f} s\n{out}"
    assert f"Stopped by {how} while {stage}: {WEEK} was not published" in out, out
    line = f"Stopped by {how} during {WEEK}: it was not published; rerun it with --week {WEEK}"
    assert line in out, out
    assert not TRACEBACK.search(out), out
