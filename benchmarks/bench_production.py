"""Benchmark the weekly flow on a week laid out as production lays it out (issue 19).

Amazon Connect Contact Lens writes one object per contact (`Analysis/Voice|Chat/YYYY/MM/DD/
<contactId>_analysis_<timestamp>.json`) and names no agent in it: agents come from the contact
records (CTR) Connect streams to S3 (`ctr/YYYY/MM/DD/HH/records.json`, JSON lines), read through
the `ctr_prefix` setting. This benchmark writes a generated week that way into moto's S3 server
started in this process, puts a local proxy in front of it that waits a fixed time per request
(S3's latency, which moto does not have) and counts requests by kind, and runs the real weekly
flow through the proxy, each run in a fresh process: sample first (the flow's default: only
the contacts each agent's draw can reach are fetched) with the default runner (threads and worker
processes) and on a local Dask cluster of 2 workers, and reading every object (`--read-all`) with
the default runner. It prints, side by side: contacts, objects, requests (GET/PUT/LIST), wall
seconds per stage, total wall and peak memory, whether the runs scored the same contacts the same,
and how many times fewer GETs and less wall time sample first takes than reading everything.

    uv run python benchmarks/bench_production.py                        # 20 x 200, 30 ms
    uv run python benchmarks/bench_production.py --agents 1000 --contacts-per-agent 250
    uv run python benchmarks/bench_production.py --runs first,first-dask --latency-ms 50
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402

WEEK = "2026-W47"
BUCKET = "bench-production"
INPUT_PREFIX = "Analysis/Voice,Analysis/Chat"  # raw copies only: one object per contact
CTR_PREFIX = "ctr"
CREDS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
LOGS: Path | None = None  # --logs: each run's output is kept there
# run -> (its name in the table, Dask workers (0: the default runner), read every object)
RUNS = {
    "first": ("sample first, default runner", 0, False),
    "first-dask": ("sample first, Dask 2 workers", 2, False),
    "all": ("read every object, default runner", 0, True),
}


# --- the week, in the Contact Lens layout with contact records ---------------------------------


def week_objects(agents: int, per_agent: int) -> tuple[list[tuple[str, bytes]], int, int]:
    """(key, body) of every object of the week; the number of contacts and of CTR files."""
    from flows.examples.generate import agent_week
    from flows.examples.personas import personas_for
    from flows.examples.writers import to_contact_lens, to_ctr_files

    contacts = [c for p in personas_for(agents) for c in agent_week(WEEK, p, seed=11, n=per_agent)]
    objects = [to_contact_lens(c) for c in contacts]
    # Firehose delivers records in batches: one file per hour here
    ctr = to_ctr_files(contacts, CTR_PREFIX, hourly=True)
    return objects + ctr, len(contacts), len(ctr)


def index_moto_listing() -> None:
    """Make moto list a prefix in time that grows with the prefix, not with the bucket."""
    # moto answers every ListObjectsV2 page by scanning and sorting every key of the bucket: at
    # 250,000 objects ~0.3 s of CPU a page, 80 s for the week's 274 pages, where S3 takes a
    # page's latency. Key names are indexed once (again when the number of keys changes; the
    # runs only add keys under fresh prefixes) and a prefix is found by bisection.
    import bisect

    from moto.s3.models import FakeDeleteMarker, S3Backend

    original = S3Backend.list_objects
    index: dict[int, tuple[int, list[str]]] = {}

    def list_objects(
        self: Any, bucket: Any, prefix: Any, delimiter: Any, marker: Any, max_keys: Any
    ) -> Any:
        if delimiter or marker or max_keys is not None or not prefix:
            return original(self, bucket, prefix, delimiter, marker, max_keys)
        keys = bucket.keys
        count, names = index.get(id(bucket), (-1, []))
        if count != len(keys):
            names = sorted(keys.keys())
            index[id(bucket)] = (len(keys), names)
        lo = bisect.bisect_left(names, prefix)
        hi = bisect.bisect_left(names, prefix + "\U0010ffff")
        found = [keys[n] for n in names[lo:hi] if n in keys]
        return [k for k in found if not isinstance(k, FakeDeleteMarker)], [], False, None

    S3Backend.list_objects = list_objects  # type: ignore[method-assign]


@contextlib.contextmanager
def moto_in_process() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 in this process (as `rapport demo` starts it)."""
    from moto import backends
    from moto.server import ThreadedMotoServer

    # moto lists and stats its own package folder on every request to route it (~1.2 ms of
    # CPU a request, see bench_flow.py); it does not change while it runs.
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    index_moto_listing()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def upload(endpoint: str, objects: list[tuple[str, bytes]]) -> float:
    """Put every object into moto (not through the proxy); return seconds."""
    import boto3
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    start = time.perf_counter()
    # Straight into the backend of the server running in this process: 250,000 PUTs over
    # HTTP would take longer than the runs they prepare.
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for key, body in objects:
        backend.put_object(BUCKET, key, body)
    head = client.head_object(Bucket=BUCKET, Key=objects[0][0])  # the server sees them
    assert head["ContentLength"] == len(objects[0][1])
    return time.perf_counter() - start


# --- the latency proxy ------------------------------------------------------------------------


class RequestCounts:
    """Requests seen by the proxy, by kind: GET (per key prefix), PUT, LIST and the rest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def add(self, method: str, path: str) -> None:
        """Count one request (path-style addressing: /bucket/key?query)."""
        parts = urlsplit(path)
        key = unquote(parts.path).lstrip("/").partition("/")[2]
        if method == "GET" and not key:
            kind = "LIST" if "list-type" in parse_qs(parts.query) or not parts.query else "GET"
        elif method == "GET":
            top = key.split("/", 1)[0]
            kind = {"Analysis": "GET transcripts", CTR_PREFIX: "GET ctr"}.get(top, "GET other")
        else:
            kind = method
        with self._lock:
            self.counts[kind] += 1

    def take(self) -> Counter[str]:
        """The counts so far; start again from zero."""
        with self._lock:
            out, self.counts = self.counts, Counter()
        return out


class _LatencyProxy(BaseHTTPRequestHandler):
    """Waits `delay` seconds, then forwards the request to S3 and its answer back."""

    target: SplitResult
    delay: float
    counts: RequestCounts
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().strip().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _proxy(self) -> None:
        body = self._body()
        self.counts.add(self.command, self.path)
        time.sleep(self.delay)
        conn = http.client.HTTPConnection(
            self.target.hostname or "127.0.0.1", self.target.port, timeout=60
        )
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        self.send_response(resp.status)
        for name, value in resp.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _proxy


@contextlib.contextmanager
def latency_proxy(upstream: str, delay_s: float, counts: RequestCounts) -> Iterator[str]:
    """Serve the proxy on 127.0.0.1 (a free port) in threads; yield its endpoint URL."""
    handler = type(
        "Handler",
        (_LatencyProxy,),
        {"target": urlsplit(upstream), "delay": delay_s, "counts": counts},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


# --- one run of the flow, in its own process --------------------------------------------------


def _rss_mib(pid: int | str = "self", field: str = "VmRSS") -> float:
    """A process's resident memory now (VmRSS) or at its peak (VmHWM), in MiB (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    """Every live process below `pid` (Dask's nannies start the workers: grandchildren)."""
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                for child in (task / "children").read_text().split():
                    out += [int(child), *_descendants(int(child))]
    return out


def run_one(endpoint: str, run: str, out: str) -> None:
    """Run the flow once here, as `rapport run` does, and print one JSON line of figures."""
    from flows.config.prefect_env import configure_prefect_defaults

    configure_prefect_defaults()
    from flows.config.settings import Settings
    from flows.pipeline.execution import weekly_flow

    settings = Settings(
        store="s3",
        bucket=BUCKET,
        endpoint_url=endpoint,
        input_prefix=INPUT_PREFIX,
        ctr_prefix=CTR_PREFIX,
        sample="5",
        out_dir=Path(out),
        output_prefix=f"scorecards-{run}",
        dask_workers=RUNS[run][1],
        read_all=RUNS[run][2],
    )
    figures = measured_run(lambda: weekly_flow(settings)(week=WEEK, settings=settings))
    figures["scores_sha256"] = _scores_digest(Path(out) / WEEK / "scores.csv")
    print("RESULT " + json.dumps(figures), flush=True)


def measured_run(run: Any) -> dict[str, Any]:
    """Run the flow (``run()``) and return its wall time, stages, counts and peak memory: of
    this process (VmHWM) and of it with every process under it (sampled every 0.25 s)."""
    tree: list[float] = []
    done = threading.Event()

    def sample_rss() -> None:
        while not done.wait(0.25):
            tree.append(_rss_mib() + sum(_rss_mib(p) for p in _descendants(os.getpid())))

    sampler = threading.Thread(target=sample_rss, daemon=True)
    start = time.perf_counter()
    sampler.start()
    result = run()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return {
        "wall_s": round(wall, 1),
        "stages_s": result["timings"],
        "counts": result["counts"],
        "agents": result["agents"],
        # VmHWM, not ru_maxrss: Linux carries the forking parent's peak (moto holding the whole
        # week) over exec into ru_maxrss.
        "peak_rss_mib": round(_rss_mib(field="VmHWM")),
        "peak_tree_rss_mib": round(max(tree, default=0.0)),
    }


def _scores_digest(path: Path) -> str:
    """A digest of the scored contacts and their scores (not of when or how they were run)."""
    import hashlib

    import polars as pl

    table = pl.read_csv(path, infer_schema_length=0).drop("rubric_version", strict=False)
    return hashlib.sha256(table.sort("contact_id").write_csv().encode()).hexdigest()[:12]


def run_in_process(endpoint: str, run: str) -> dict[str, Any]:
    """One run in a fresh process (its peak memory is its own); its figures, with the CPU
    seconds of the flow's process tree and of this process (the S3 endpoint and the proxy)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, __file__, "--run-one", endpoint, run, out],
            capture_output=True,
            text=True,
            env={**os.environ, "PREFECT_LOGGING_LEVEL": "INFO" if LOGS else "WARNING"},
        )
    if LOGS:
        (LOGS / f"{run}.log").write_text(done.stdout + done.stderr)
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode or not lines:
        print(done.stdout[-3000:], done.stderr[-3000:])
        raise SystemExit(f"run failed ({run})")
    figures: dict[str, Any] = json.loads(lines[-1][7:])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures["flow_cpu_s"] = round(
        after.ru_utime + after.ru_stime - before[0].ru_utime - before[0].ru_stime, 1
    )
    figures["endpoint_cpu_s"] = round(time.process_time() - before[1], 1)
    return figures


# --- the table --------------------------------------------------------------------------------


def table(runs: dict[str, dict[str, Any]], contacts: int, objects: int, ctr: int) -> str:
    """The runs side by side, as a Markdown table."""
    names = list(runs)
    rows: list[tuple[str, list[str]]] = [
        ("contacts / Contact Lens objects", [f"{contacts:,} / {objects:,}"] * len(names)),
        ("contact-record (CTR) files", [f"{ctr:,}"] * len(names)),
        ("scored", [f"{r['counts']['scored']:,}" for r in runs.values()]),
    ]
    req = {n: r["requests"] for n, r in runs.items()}
    gets = [sum(v for k, v in req[n].items() if k.startswith("GET")) for n in names]
    rows.append(("GET (all)", [f"{g:,}" for g in gets]))
    for kind in ("GET transcripts", "GET ctr", "GET other", "PUT", "LIST"):
        rows.append(
            (f"  {kind}" if kind.startswith("GET") else kind, [f"{req[n][kind]:,}" for n in names])
        )
    rest = [sum(v for k, v in req[n].items() if k in {"HEAD", "POST", "DELETE"}) for n in names]
    rows.append(("HEAD/POST/DELETE", [f"{x:,}" for x in rest]))
    stages = list(dict.fromkeys(k for r in runs.values() for k in r["stages_s"]))
    for stage in stages:
        rows.append((f"{stage} (s)", [f"{r['stages_s'].get(stage, 0):.1f}" for r in runs.values()]))
    rows.append(("total wall (s)", [f"{r['wall_s']:.1f}" for r in runs.values()]))
    rows.append(("scores.csv digest", [r["scores_sha256"] for r in runs.values()]))
    rows.append(("CPU s, flow and its workers", [f"{r['flow_cpu_s']:.0f}" for r in runs.values()]))
    rows.append(("CPU s, moto + proxy", [f"{r['endpoint_cpu_s']:.0f}" for r in runs.values()]))
    rows.append(("peak RSS, flow process", [f"{r['peak_rss_mib']:,} MiB" for r in runs.values()]))
    rows.append(
        ("peak RSS, with workers", [f"{r['peak_tree_rss_mib']:,} MiB" for r in runs.values()])
    )
    head = "| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names) + "\n"
    return head + "\n".join(f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows)


def ratios(runs: dict[str, dict[str, Any]]) -> str:
    """How many times fewer GETs and less wall time sample first takes than reading all."""
    full = runs.get(RUNS["all"][0])
    if full is None:
        return "(no read-every-object run to compare with: add 'all' to --runs)"

    def gets(r: dict[str, Any]) -> int:
        return sum(v for k, v in r["requests"].items() if k.startswith("GET"))

    lines = []
    for name, r in runs.items():
        if r is full:
            continue
        same = "same scores" if r["scores_sha256"] == full["scores_sha256"] else "DIFFERENT scores"
        lines.append(
            f"{name}: {gets(full) / max(1, gets(r)):.1f}x fewer GETs, "
            f"{full['wall_s'] / r['wall_s']:.1f}x less wall time than reading every object; {same}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--contacts-per-agent", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=30.0, help="added to every request")
    parser.add_argument(
        "--runs", default="first,first-dask,all", help=f"comma-separated, of {', '.join(RUNS)}"
    )
    parser.add_argument("--run-one", nargs=3, metavar=("ENDPOINT", "RUNNER", "OUT"))
    parser.add_argument("--logs", type=Path, help="keep each run's log in this folder")
    args = parser.parse_args()
    os.environ.update(CREDS)
    global LOGS
    LOGS = args.logs
    if args.run_one:
        run_one(*args.run_one)
        return
    print(describe())
    objects, contacts, ctr = week_objects(args.agents, args.contacts_per_agent)
    counts = RequestCounts()
    from flows.pipeline.serve import prefect_server

    with (
        moto_in_process() as moto,
        latency_proxy(moto, args.latency_ms / 1000, counts) as proxy,
        tempfile.TemporaryDirectory() as home,
        prefect_server(Path(home)) as api_url,
    ):
        os.environ["PREFECT_API_URL"] = api_url  # long-lived, as scheduled runs use one
        up = upload(moto, objects)
        print(
            f"{args.agents} agents x {args.contacts_per_agent} contacts: {contacts:,} Contact "
            f"Lens objects and {ctr} CTR files up in {up:.0f} s; {args.latency_ms:g} ms a "
            f"request through the proxy; sample 5"
        )
        runs: dict[str, dict[str, Any]] = {}
        for run in args.runs.split(","):
            name = RUNS[run][0]
            counts.take()
            runs[name] = run_in_process(proxy, run)
            runs[name]["requests"] = counts.take()
            print(f"  {name}: {runs[name]['wall_s']:.1f} s", flush=True)
    print()
    print(table(runs, contacts, contacts, ctr))
    print()
    print(ratios(runs))


if __name__ == "__main__":
    main()
