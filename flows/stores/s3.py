"""The S3 store (boto3): timeouts sized for S3, permanent errors told apart from passing ones."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from flows.runtime.io_threads import run_log

if TYPE_CHECKING:
    from pathlib import Path

    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

from flows.stores.base import DeleteFailed, StoreConfigError, StoredObject, StoreUnreachable

# stays silent this long is not coming back: botocore's defaults (60 s each, times 10 attempts
# here before) kept a run silent for minutes on an endpoint that never answered.
S3_CONNECT_TIMEOUT: Final = 5.0
S3_READ_TIMEOUT: Final = 15.0
S3_ATTEMPTS: Final = 4
RETRY_NOTE_SECONDS: Final = 5.0
HASH_PIECE_BYTES: Final = 1 << 20  # read back a file this much at a time to hash it
# S3 error codes that no retry can fix, with what to tell the user.
PERMANENT_CODES: Final = {
    "NoSuchBucket": "bucket does not exist",
    "NoSuchKey": "no such key",
    "AccessDenied": "access denied (check the credentials and the policy of the role in use)",
    "AllAccessDisabled": "all access to this bucket is disabled",
    "AccountProblem": "the AWS account has a problem that blocks this request",
    "InvalidAccessKeyId": "the access key id is not known to S3 (check the credentials)",
    "SignatureDoesNotMatch": "S3 rejected the signature (check the secret access key)",
    "ExpiredToken": "the session token has expired (refresh the credentials)",
    "InvalidToken": "the session token is not valid (check the credentials)",
    "TokenRefreshRequired": "the session token must be refreshed",
    "InvalidBucketName": "not a valid bucket name",
    "PermanentRedirect": "the bucket is in another region (set RAPPORT_REGION)",
    "AuthorizationHeaderMalformed": "the bucket is in another region (set RAPPORT_REGION)",
    "IllegalLocationConstraintException": "the bucket is in another region (set RAPPORT_REGION)",
    "301": "the bucket is in another region (set RAPPORT_REGION)",
    "403": "access denied (check the credentials and the policy of the role in use)",
    "404": "not found",
}


def s3_config(timeout: float = S3_READ_TIMEOUT, attempts: int = S3_ATTEMPTS) -> Config:
    """botocore's settings for Rapport's S3 clients."""
    # Adaptive mode retries throttling, 5xx, dropped connections and timeouts with backoff. The
    # pool holds a connection for each of the loader's fetch threads (botocore's default is 10).
    return Config(
        # total_max_attempts counts the first request; botocore's max_attempts counts retries.
        retries={"total_max_attempts": attempts, "mode": "adaptive"},
        connect_timeout=min(S3_CONNECT_TIMEOUT, timeout),
        read_timeout=timeout,
        max_pool_connections=32,
    )


def _timestamp_as_text(value: str) -> str:
    return value


_SESSION_LOCK = threading.Lock()
_sessions: list[boto3.session.Session] = []  # this process's one session, once made


def s3_session() -> boto3.session.Session:
    """This process's boto3 session, whose clients leave the timestamps of S3's answers as text."""
    # Rapport reads no timestamp from S3 (a listed object is its key and size), and botocore
    # parses every one with dateutil: ~3/4 of the client's CPU for a 1,000-key listing page
    # (benchmarks/bench_listing.py). The AWS CLI makes the same choice for the same reason.
    with _SESSION_LOCK:
        if not _sessions:
            core = botocore.session.get_session()
            core.get_component("response_parser_factory").set_parser_defaults(
                timestamp_parser=_timestamp_as_text
            )
            _sessions.append(boto3.session.Session(botocore_session=core))
        return _sessions[0]


def s3_client(endpoint_url: str | None, region: str, config: Config) -> S3Client:
    """An S3 client (made under the session's lock: a boto3 session is not thread-safe)."""
    session = s3_session()
    with _SESSION_LOCK:
        return session.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


class S3Store:
    """A bucket reached through boto3; credentials come from the standard AWS chain."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        page_size: int = 1000,
        timeout: float = S3_READ_TIMEOUT,
        attempts: int = S3_ATTEMPTS,
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self.page_size = page_size
        self.timeout = timeout
        self.attempts = attempts
        self._client: S3Client | None = None
        self._lock = threading.Lock()
        self._quiet_until = 0.0

    @property
    def client(self) -> S3Client:
        """The boto3 client, created on first use (so stores pickle across processes)."""
        # boto3 clients are thread-safe once made; making them from threads at once is not.
        with self._lock:
            if self._client is None:
                client = s3_client(
                    self.endpoint_url, self.region, s3_config(self.timeout, self.attempts)
                )
                client.meta.events.register("needs-retry.s3", self._note_retry)
                self._client = client
            return self._client

    def __getstate__(self) -> dict[str, object]:
        return {
            "bucket": self.bucket,
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "page_size": self.page_size,
            "timeout": self.timeout,
            "attempts": self.attempts,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        endpoint = state["endpoint_url"]
        self.bucket = str(state["bucket"])
        self.endpoint_url = None if endpoint is None else str(endpoint)
        self.region = str(state["region"])
        self.page_size = int(str(state["page_size"]))
        self.timeout = float(str(state["timeout"]))
        self.attempts = int(str(state["attempts"]))
        self._client = None
        self._lock = threading.Lock()
        self._quiet_until = 0.0

    @property
    def endpoint(self) -> str:
        """The endpoint in words, for messages."""
        return self.endpoint_url or f"AWS S3 ({self.region})"

    def _note_retry(self, caught_exception: Exception | None = None, **kwargs: Any) -> None:
        """Say so when a request got no answer: botocore retries silently otherwise."""
        if not isinstance(caught_exception, ReadTimeoutError | ConnectTimeoutError):
            return
        with self._lock:  # one line for the requests that time out together
            now = time.monotonic()
            if now < self._quiet_until:
                return
            self._quiet_until = now + RETRY_NOTE_SECONDS
        attempt = int(kwargs.get("attempts") or 1)
        run_log().warning(
            "S3 %s on s3://%s: no answer from %s within %g s (attempt %d of %d)",
            getattr(kwargs.get("operation"), "name", "request"),
            self.bucket,
            self.endpoint,
            self.timeout,
            attempt,
            self.attempts,
        )

    @contextmanager
    def _errors(self, action: str, key: str) -> Iterator[None]:
        """Turn botocore errors that retrying cannot fix into one-line StoreErrors."""
        where = f"s3://{self.bucket}/{key}"
        try:
            yield
        except (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError) as exc:
            raise StoreConfigError(
                f"{action} {where}: no usable AWS credentials ({exc}); set AWS_PROFILE, "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or use an instance role"
            ) from None
        except (NoRegionError, ParamValidationError) as exc:
            raise StoreConfigError(f"{action} {where}: {exc}") from None
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            problem = PERMANENT_CODES.get(code) or PERMANENT_CODES.get(status)
            if problem is None:
                raise
            if code == "NoSuchBucket":
                where = f"s3://{self.bucket}"
            raise StoreConfigError(f"{action} {where}: {problem} ({code or status})") from None
        except (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError) as exc:
            raise StoreUnreachable(
                f"{action} {where}: {self.endpoint} did not answer in {self.attempts} attempts "
                f"of {self.timeout:g} s ({type(exc).__name__})"
            ) from None

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """List with pagination."""
        with self._errors("listing", prefix):
            paginator = self.client.get_paginator("list_objects_v2")
            pages = paginator.paginate(
                Bucket=self.bucket, Prefix=prefix, PaginationConfig={"PageSize": self.page_size}
            )
            for page in pages:
                for obj in page.get("Contents", []):
                    yield StoredObject(obj["Key"], obj["Size"])

    def get(self, key: str) -> bytes:
        """Read one object."""
        with self._errors("reading", key):
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def sha256(self, key: str) -> str:
        """The sha256 of one object, hashed as its body streams in (a million contacts'
        scores.csv is ~0.3 GB the flow need not hold to check it)."""
        digest = hashlib.sha256()
        with self._errors("reading", key):
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            for piece in body.iter_chunks(HASH_PIECE_BYTES):
                digest.update(piece)
        return digest.hexdigest()

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write one object."""
        with self._errors("writing", key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def put_file(
        self, key: str, path: Path, content_type: str = "application/octet-stream"
    ) -> None:
        """Write one object from a local file: one PUT whose body streams from the file
        (botocore rewinds it to retry)."""
        with self._errors("writing", key), path.open("rb") as body:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)

    def put_new(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> bool:
        """Write one object only if the key is absent (a conditional put, If-None-Match: *)."""
        with self._errors("writing", key):
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=data,
                    ContentType=content_type,
                    IfNoneMatch="*",
                )
            except ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code", ""))
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                # 412: the key exists; 409: another conditional write to it is under way
                if code in ("PreconditionFailed", "ConditionalRequestConflict") or status in (
                    409,
                    412,
                ):
                    return False
                raise
        return True

    def get_tagged(self, key: str) -> tuple[bytes, str]:
        """Read one object and its ETag."""
        with self._errors("reading", key):
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
            return answer["Body"].read(), answer["ETag"]

    def put_if_match(
        self, key: str, data: bytes, tag: str, content_type: str = "application/octet-stream"
    ) -> bool:
        """Replace one object only if its ETag is still `tag` (a conditional put, If-Match)."""
        with self._errors("writing", key):
            try:
                self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, IfMatch=tag
                )
            except ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code", ""))
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                # 412: replaced since; 404: gone; 409: another conditional write under way
                if code in ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey") or (
                    status in (404, 409, 412)
                ):
                    return False
                raise
        return True

    def delete(self, keys: Sequence[str]) -> None:
        """Delete in batches of 1,000 (the S3 limit); raise if S3 kept any key."""
        for i in range(0, len(keys), 1000):
            batch: list[ObjectIdentifierTypeDef] = [{"Key": k} for k in keys[i : i + 1000]]
            with self._errors("deleting", batch[0]["Key"]):
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            # Quiet mode still reports the keys S3 failed to delete, with a 200 for the batch.
            errors = answer.get("Errors", [])
            if errors:
                named = "; ".join(
                    f"{e.get('Key')} ({e.get('Code')}: {e.get('Message')})" for e in errors[:5]
                )
                more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
                message = (
                    f"deleting from s3://{self.bucket}: {len(errors)} of {len(batch)} keys "
                    f"were not deleted: {named}{more}"
                )
                if all(str(e.get("Code")) in PERMANENT_CODES for e in errors):
                    raise StoreConfigError(message)
                raise DeleteFailed(message)

    def url(self, key: str) -> str:
        """s3://bucket/key."""
        return f"s3://{self.bucket}/{key}"
