"""The embedded demo: an in-process S3 endpoint filled with generated weeks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

from flows.examples.personas import TEAMS
from flows.stores.s3 import S3Store

DEMO_BUCKET = "rapport-demo"
# The generated teams' managers, as a delivery table (`recipients`) would name them.
DEMO_MANAGERS = {
    team: "lead." + "".join(c for c in team.split()[0].lower() if c.isalpha()) + "@example.com"
    for team in TEAMS
}
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "rapport-demo",
    "AWS_SECRET_ACCESS_KEY": "rapport-demo",
    "AWS_SESSION_TOKEN": "rapport-demo",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def local_s3(bucket: str = DEMO_BUCKET) -> Iterator[S3Store]:
    """Start moto's S3 server on 127.0.0.1 (a free port) with an empty bucket; stop it after."""
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in FAKE_CREDENTIALS}
    os.environ.update(FAKE_CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket=bucket
        )
        yield S3Store(bucket, endpoint_url=endpoint, region="us-east-1")
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
