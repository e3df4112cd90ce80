"""Object stores behind one interface: S3 (boto3) and a local folder."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

# Adaptive mode retries throttling, 5xx and dropped connections with backoff. The pool holds a
# connection for each of the loader's fetch threads (botocore's default of 10 is fewer).
S3_RETRIES = Config(
    retries={"max_attempts": 10, "mode": "adaptive"}, connect_timeout=10, max_pool_connections=32
)


@dataclass(frozen=True, slots=True)
class StoredObject:
    """A key in a store and its size in bytes."""

    key: str
    size: int


class ObjectStore(Protocol):
    """What Rapport needs from a place that holds transcripts and outputs."""

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """Every object whose key starts with prefix, in key order."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes of one object."""
        ...

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write one object."""
        ...

    def delete(self, keys: Sequence[str]) -> None:
        """Remove objects (missing ones are ignored)."""
        ...

    def url(self, key: str) -> str:
        """A human-readable location of a key."""
        ...


class S3Store:
    """A bucket reached through boto3; credentials come from the standard AWS chain."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        page_size: int = 1000,
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self.page_size = page_size
        self._client: S3Client | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> S3Client:
        """The boto3 client, created on first use (so stores pickle across processes)."""
        # boto3 clients are thread-safe once made; making them from threads at once is not.
        with self._lock:
            if self._client is None:
                self._client = boto3.client(
                    "s3",
                    endpoint_url=self.endpoint_url,
                    region_name=self.region,
                    config=S3_RETRIES,
                )
            return self._client

    def __getstate__(self) -> dict[str, object]:
        return {
            "bucket": self.bucket,
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "page_size": self.page_size,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        endpoint = state["endpoint_url"]
        self.bucket = str(state["bucket"])
        self.endpoint_url = None if endpoint is None else str(endpoint)
        self.region = str(state["region"])
        self.page_size = int(str(state["page_size"]))
        self._client = None
        self._lock = threading.Lock()

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """List with pagination."""
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket, Prefix=prefix, PaginationConfig={"PageSize": self.page_size}
        )
        for page in pages:
            for obj in page.get("Contents", []):
                yield StoredObject(obj["Key"], obj["Size"])

    def get(self, key: str) -> bytes:
        """Read one object."""
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write one object."""
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def delete(self, keys: Sequence[str]) -> None:
        """Delete in batches of 1,000 (the S3 limit)."""
        for i in range(0, len(keys), 1000):
            batch: list[ObjectIdentifierTypeDef] = [{"Key": k} for k in keys[i : i + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    def url(self, key: str) -> str:
        """s3://bucket/key."""
        return f"s3://{self.bucket}/{key}"


class LocalStore:
    """A folder whose relative paths are the keys."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key escapes the store root: {key!r}")
        return path

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """Walk the folder below the prefix's directory part."""
        base = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not base.is_dir():
            return
        found = []
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    found.append(StoredObject(key, path.stat().st_size))
        yield from sorted(found, key=lambda o: o.key)

    def get(self, key: str) -> bytes:
        """Read one file."""
        return self._path(key).read_bytes()

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write one file atomically (temp file then rename)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def delete(self, keys: Sequence[str]) -> None:
        """Remove files."""
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        """The file path."""
        return str(self.root / key)
