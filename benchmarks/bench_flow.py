"""Benchmark the whole weekly flow against a local S3 endpoint (moto server, own process).

For each scale (agents; 250 contacts per agent) it uploads a generated week, then runs the flow
twice in fresh processes, sampling 5 per agent and scoring every contact, with scorecards for
every agent either way; it prints per-stage wall seconds and peak memory (RSS) of each run.

    uv run python benchmarks/bench_flow.py                 # 100 and 1,000 agents
    uv run python benchmarks/bench_flow.py --scales 1000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEEK = "2026-W47"
CREDS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """moto's S3 server in its own process, so its memory is not counted as the flow's."""
    from flows.serve import free_port, wait_healthy_http

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy_http(f"{url}/moto-api/", 60)
    return proc, url


def upload(endpoint: str, bucket: str, agents: int, contacts: int) -> tuple[int, float]:
    """Generate the week and upload it; return (files, seconds)."""
    import boto3

    from flows.generate import large_week_files

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    start = time.perf_counter()
    files = large_week_files(WEEK, agents, contacts, "transcripts", seed=11)
    with ThreadPoolExecutor(16) as pool:
        n = sum(
            1
            for _ in pool.map(
                lambda kv: client.put_object(Bucket=bucket, Key=kv[0], Body=kv[1]), files
            )
        )
    return n, time.perf_counter() - start


def _rss_mib() -> float:
    """This process's resident memory now (Linux /proc), in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_one(endpoint: str, bucket: str, sample: str, out: str) -> None:
    """Run the flow once in this process and print one JSON line of figures."""
    from flows.prefect_env import configure_prefect_defaults

    configure_prefect_defaults()
    from flows.settings import Settings
    from flows.weekly import weekly_audit

    settings = Settings(
        store="s3",
        bucket=bucket,
        endpoint_url=endpoint,
        sample=sample,
        out_dir=Path(out),
        output_prefix=f"scorecards-{sample}",
    )
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample_rss() -> None:
        while not done.wait(0.25):
            samples.append((time.perf_counter(), _rss_mib()))

    sampler = threading.Thread(target=sample_rss, daemon=True)
    start = time.perf_counter()
    sampler.start()
    result = weekly_audit(week=WEEK, settings=settings)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The stage in which the sampled peak fell (stages run one after another; the flow's own
    # start-up before the first stage is small).
    peak_t, _ = max(samples, key=lambda s: s[1]) if samples else (start, 0.0)
    stage_at_peak, edge = "", start + (wall - sum(result["timings"].values()))
    for name, seconds in result["timings"].items():
        edge += seconds
        stage_at_peak = name
        if peak_t <= edge:
            break
    print(
        "RESULT "
        + json.dumps(
            {
                "sample": sample,
                "wall_s": round(wall, 1),
                "stages_s": result["timings"],
                "scored": result["counts"]["scored"],
                "agents": result["agents"],
                "peak_rss_mib": round(peak_self),
                "peak_stage": stage_at_peak,
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="100,1000", help="agent counts, comma-separated")
    parser.add_argument("--per-agent", type=int, default=250, help="contacts per agent")
    parser.add_argument("--samples", default="5,all", help="samples to run, comma-separated")
    parser.add_argument("--run-one", nargs=4, metavar=("ENDPOINT", "BUCKET", "SAMPLE", "OUT"))
    args = parser.parse_args()
    os.environ.update(CREDS)
    if args.run_one:
        run_one(*args.run_one)
        return
    proc, endpoint = start_moto()
    try:
        for agents in [int(s) for s in args.scales.split(",")]:
            contacts = agents * args.per_agent
            bucket = f"bench-{agents}"
            n_files, up_s = upload(endpoint, bucket, agents, contacts)
            print(f"\n{agents} agents, {contacts:,} contacts: {n_files:,} files up in {up_s:.0f} s")
            for sample in args.samples.split(","):
                with tempfile.TemporaryDirectory() as out:
                    done = subprocess.run(
                        [sys.executable, __file__, "--run-one", endpoint, bucket, sample, out],
                        capture_output=True,
                        text=True,
                        env={**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"},
                    )
                lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
                if done.returncode or not lines:
                    print(done.stdout[-3000:], done.stderr[-3000:])
                    raise SystemExit(f"run failed (sample={sample})")
                r = json.loads(lines[-1][7:])
                stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages_s"].items())
                print(
                    f"  sample={sample:>3}: {r['wall_s']:.1f} s wall, {r['scored']:,} scored, "
                    f"{r['agents']} scorecards; stages (s): {stages}; "
                    f"peak RSS {r['peak_rss_mib']} MiB (flow process, during {r['peak_stage']}; "
                    "not counting the render worker processes)"
                )
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
