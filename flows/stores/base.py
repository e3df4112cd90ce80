"""The object-store interface every stage uses, its errors and the listing entry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path


class StoreError(Exception):
    """An S3 failure that retrying the task cannot fix; its message says it all in one line."""


class StoreConfigError(StoreError):
    """Credentials, bucket, permissions or key are wrong: only the configuration can fix it."""


class StoreUnreachable(StoreError):
    """S3 did not answer any attempt of a request (botocore retried it already)."""


class DeleteFailed(Exception):
    """S3 refused to delete some keys of a batch (per-key errors of DeleteObjects)."""


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

    def put_file(
        self, key: str, path: Path, content_type: str = "application/octet-stream"
    ) -> None:
        """Write one object from a local file, read piece by piece (never whole in memory)."""
        ...

    def put_new(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> bool:
        """Write one object only if the key does not exist yet; False when it does."""
        ...

    def sha256(self, key: str) -> str:
        """The sha256 (hex) of one object, read piece by piece (never whole in memory)."""
        ...

    def get_tagged(self, key: str) -> tuple[bytes, str]:
        """The bytes of one object and a tag that changes whenever the object is replaced."""
        ...

    def put_if_match(
        self, key: str, data: bytes, tag: str, content_type: str = "application/octet-stream"
    ) -> bool:
        """Replace one object only if its tag is still `tag`; False when it is not (or gone)."""
        ...

    def delete(self, keys: Sequence[str]) -> None:
        """Remove objects (missing ones are ignored); raise if one could not be removed."""
        ...

    def url(self, key: str) -> str:
        """A human-readable location of a key."""
        ...
