"""Publish one week's outputs: files first, stale files removed, manifest.json last."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flows.store import ObjectStore

MANIFEST = "manifest.json"
PUT_THREADS = 16  # uploads wait on the network, like the loader's reads
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
}


def content_type(name: str) -> str:
    """MIME type by file extension."""
    for ext, kind in CONTENT_TYPES.items():
        if name.endswith(ext):
            return kind
    return "application/octet-stream"


def file_digests(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    """sha256 and size of each output file."""
    return {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for name, data in sorted(files.items())
    }


def week_prefix(output_prefix: str, week: str) -> str:
    """`<output prefix>/<week>/`."""
    base = output_prefix.strip("/")
    return f"{base}/{week}/" if base else f"{week}/"


def publish(
    store: ObjectStore, prefix: str, files: Mapping[str, bytes], manifest: Mapping[str, Any]
) -> dict[str, Any]:
    """Replace everything under prefix with files, then write the manifest (with hashes) last."""
    existing = {obj.key for obj in store.list(prefix)}
    manifest_key = prefix + MANIFEST
    if manifest_key in existing:
        # A reader must never see a complete-looking week while it is being replaced.
        store.delete([manifest_key])
    with ThreadPoolExecutor(max_workers=PUT_THREADS) as pool:
        list(
            pool.map(
                lambda item: store.put(prefix + item[0], item[1], content_type(item[0])),
                sorted(files.items()),
            )
        )
    stale = sorted(existing - {prefix + name for name in files} - {manifest_key})
    if stale:
        store.delete(stale)
    full = {**manifest, "files": file_digests(files)}
    store.put(
        manifest_key, json.dumps(full, indent=2, sort_keys=False).encode(), "application/json"
    )
    return full
