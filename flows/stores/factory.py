"""Build the stores a run reads from and writes to, from its settings."""

from __future__ import annotations

from flows.config.settings import Settings
from flows.stores.base import ObjectStore
from flows.stores.local import LocalStore
from flows.stores.s3 import S3Store


def s3_bucket(settings: Settings, bucket: str) -> S3Store:
    """A bucket reached with the run's endpoint, region, timeout and retries."""
    return S3Store(
        bucket,
        endpoint_url=settings.endpoint_url,
        region=settings.region,
        timeout=settings.s3_timeout,
        attempts=settings.s3_attempts,
    )


def input_store(settings: Settings) -> ObjectStore:
    """Where the transcripts are."""
    if settings.store == "local":
        return LocalStore(settings.local_root)
    return s3_bucket(settings, settings.bucket)


def output_store(settings: Settings) -> ObjectStore:
    """Where the week's outputs are published."""
    if settings.store == "local":
        return LocalStore(settings.local_root)
    return s3_bucket(settings, settings.output_bucket or settings.bucket)
