"""Benchmark the whole weekly flow against a local S3 endpoint (moto server, own process) and a
long-lived Prefect server (started once, as in production; a temporary one costs ~13 s a run).

For each scale (agents; 250 contacts per agent) it uploads a generated week, then runs the flow
twice in fresh processes, sampling 5 per agent and scoring every contact, with scorecards for
every agent either way; it prints per-stage wall seconds and peak memory (RSS) of each run.

    uv run python benchmarks/bench_flow.py                 # 100 and 1,000 agents
    uv run python benchmarks/bench_flow.py --scales 1000
"""

from __future__ import annotations

import argparse
import contextlib
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

from machine import describe  # noqa: E402

WEEK = "2026-W47"
CREDS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """moto's S3 server in its own process, so its memory is not counted as the flow's."""
    from flows.pipeline.serve import free_port, wait_healthy_http

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--s3-endpoint", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy_http(f"{url}/moto-api/", 60)
    return proc, url


def serve_s3_endpoint(port: int) -> None:
    """Run moto's S3 server here, without the cost it adds to every request for nothing."""
    from moto import backends
    from moto.server import main as moto_main

    # moto lists and stats its own package folder on every request to match the Host header
    # (~1.2 ms of the ~5.5 ms of CPU it spends per GET); the folder does not change while it
    # runs. The endpoint stands in for S3, which costs this machine nothing: what it burns is
    # taken from the flow being measured.
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    moto_main(["-H", "127.0.0.1", "-p", str(port)])


def upload(endpoint: str, bucket: str, agents: int, contacts: int) -> tuple[int, float]:
    """Generate the week and upload it; return (files, seconds)."""
    import boto3

    from flows.examples.generate import large_week_files

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


def _rss_mib(pid: str = "self") -> float:
    """A process's resident memory now (Linux /proc), in MiB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int | None = None) -> float:
    """CPU seconds of this process and its reaped children, or of another process (Linux)."""
    if pid is None:
        t = os.times()
        alive = sum(_cpu_seconds(int(c)) for c in _child_pids())
        return t.user + t.system + t.children_user + t.children_system + alive
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child_pids() -> list[str]:
    """Process ids of this process's live children (Linux /proc)."""
    pids: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            pids += (task / "children").read_text().split()
    return pids


def run_one(endpoint: str, bucket: str, sample: str, out: str) -> None:
    """Run the flow once in this process and print one JSON line of figures."""
    from flows.config.prefect_env import configure_prefect_defaults

    configure_prefect_defaults()
    from flows.config.settings import Settings
    from flows.pipeline.weekly import weekly_audit

    settings = Settings(
        store="s3",
        bucket=bucket,
        endpoint_url=endpoint,
        sample=sample,
        out_dir=Path(out),
        output_prefix=f"scorecards-{sample}",
    )
    moto_pid = int(os.environ["BENCH_MOTO_PID"]) if "BENCH_MOTO_PID" in os.environ else None
    samples: list[tuple[float, float]] = []
    tree: list[float] = []  # the flow process plus its live load and render workers
    cpu: list[tuple[float, float, float]] = []  # (time, flow + workers, S3 server)
    done = threading.Event()

    def sample_rss() -> None:
        while not done.wait(0.25):
            now = time.perf_counter()
            samples.append((now, _rss_mib()))
            tree.append(samples[-1][1] + sum(_rss_mib(pid) for pid in _child_pids()))
            cpu.append((now, _cpu_seconds(), _cpu_seconds(moto_pid) if moto_pid else 0.0))

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
    # CPU seconds per stage (flow process with its render workers, and the S3 server): how
    # busy the two cores were, to tell waiting from working.
    stage_cpu: dict[str, list[float]] = {}
    edge = start + (wall - sum(result["timings"].values()))
    for name, seconds in result["timings"].items():
        inside = [c for c in cpu if edge <= c[0] <= edge + seconds]
        if len(inside) > 1:
            first, last = inside[0], inside[-1]
            stage_cpu[name] = [round(last[1] - first[1], 1), round(last[2] - first[2], 1)]
        edge += seconds
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
                "peak_tree_rss_mib": round(max(tree, default=0.0)),
                "peak_stage": stage_at_peak,
                "stage_cpu_s": stage_cpu,
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
    parser.add_argument("--s3-endpoint", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.update(CREDS)
    if args.s3_endpoint:
        serve_s3_endpoint(args.s3_endpoint)
        return
    if args.run_one:
        run_one(*args.run_one)
        return
    print(describe())
    proc, endpoint = start_moto()
    os.environ["BENCH_MOTO_PID"] = str(proc.pid)
    # Scheduled runs report to a long-lived Prefect server; start one once, like the S3
    # endpoint, so each run's wall time is the flow's own (a temporary server takes ~13 s).
    from flows.pipeline.serve import prefect_server

    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as home, prefect_server(Path(home)) as api_url:
            os.environ["PREFECT_API_URL"] = api_url
            print(f"Prefect server up in {time.perf_counter() - started:.0f} s at {api_url}")
            run_scales(args, endpoint)
    finally:
        proc.terminate()


def run_scales(args: argparse.Namespace, endpoint: str) -> None:
    """Upload each scale's week and run the flow once per sample."""
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
                f"peak RSS {r['peak_rss_mib']} MiB (flow process, during {r['peak_stage']}), "
                f"{r['peak_tree_rss_mib']} MiB with its load and render workers (sampled)"
            )
            cpu = ", ".join(f"{k} {a:.0f}+{b:.0f}" for k, (a, b) in r["stage_cpu_s"].items())
            print(f"    CPU seconds per stage (flow and its workers + S3 server): {cpu}")


if __name__ == "__main__":
    main()
