"""Client CPU of listing a week of Contact Lens keys: Rapport's S3 client next to boto3's default.

Usage: python benchmarks/bench_listing.py [--keys 20000] [--rounds 5]
Puts `--keys` Contact Lens keys into moto's S3 server (in this process, straight into its
backend), then lists them through `S3Store` (1,000 keys a page) with Rapport's client, whose
answers keep their timestamps as text, and with a plain `boto3.client`, which parses each
object's LastModified, alternately, `--rounds` times each. It prints the listing thread's own CPU
(`time.thread_time`: the server's threads are not counted) per 1,000-key page, and the wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import boto3
from bench_production import BUCKET, moto_in_process
from machine import describe

from flows.stores.s3 import S3Store, s3_config

FAKE_AWS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}


def fill(endpoint: str, keys: int) -> None:
    """Create the bucket and `keys` small Contact Lens objects over seven days."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for n in range(keys):
        day = 16 + n % 7
        key = f"Analysis/Voice/2026/11/{day}/c-{n:09d}_analysis_2026-11-{day}T10:00:00Z.json"
        backend.put_object(BUCKET, key, b"{}")


def timed_listing(store: S3Store) -> tuple[float, float, int]:
    """Thread CPU seconds, wall seconds and keys of one full listing."""
    cpu, wall = time.thread_time(), time.perf_counter()
    n = sum(1 for _ in store.list("Analysis/"))
    return time.thread_time() - cpu, time.perf_counter() - wall, n


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(describe())
    os.environ.update(FAKE_AWS)
    with moto_in_process() as endpoint:
        fill(endpoint, args.keys)
        rapport = S3Store(BUCKET, endpoint_url=endpoint)
        plain = S3Store(BUCKET, endpoint_url=endpoint)
        client: Any = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", config=s3_config()
        )
        plain._client = client  # botocore's default parsing: LastModified as a datetime
        runs: dict[str, list[tuple[float, float, int]]] = {"boto3 default": [], "Rapport": []}
        timed_listing(rapport), timed_listing(plain)  # warm both clients and the server
        for i in range(args.rounds):
            order = [("Rapport", rapport), ("boto3 default", plain)]
            for name, store in order if i % 2 else reversed(order):
                runs[name].append(timed_listing(store))
    pages = args.keys / 1000
    print(f"{args.keys:,} keys, {pages:.0f} pages of 1,000, {args.rounds} listings each")
    for name, figures in runs.items():
        assert all(n == args.keys for _, _, n in figures)
        cpu = statistics.median(c for c, _, _ in figures)
        wall = statistics.median(w for _, w, _ in figures)
        print(
            f"  {name:14s} client CPU {1000 * cpu / pages:5.1f} ms a page, "
            f"wall {wall:5.2f} s a listing (medians)"
        )
    old = statistics.median(c for c, _, _ in runs["boto3 default"])
    new = statistics.median(c for c, _, _ in runs["Rapport"])
    print(f"  client CPU {old / new:.1f}x less with timestamps kept as text")


if __name__ == "__main__":
    main()
