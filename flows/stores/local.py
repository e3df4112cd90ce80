"""A local folder as an object store: relative paths are the keys."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from flows.stores.base import StoredObject


def _file_tag(st: os.stat_result) -> str:
    return f"{st.st_ino}-{st.st_ctime_ns}-{st.st_size}"


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

    def sha256(self, key: str) -> str:
        """The sha256 of one file, read piece by piece."""
        with self._path(key).open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write one file atomically (temp file then rename)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def put_file(
        self, key: str, path: Path, content_type: str = "application/octet-stream"
    ) -> None:
        """Copy one local file in atomically (temp file then rename)."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(path, tmp)
        tmp.replace(target)

    def put_new(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> bool:
        """Write one file only if it does not exist (complete when it appears: a hard link of a
        finished temp file, which fails if the name is taken)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            return True
        finally:
            os.unlink(tmp)

    def get_tagged(self, key: str) -> tuple[bytes, str]:
        """Read one file and a tag of its identity (inode, change time, size)."""
        with self._path(key).open("rb") as f:
            return f.read(), _file_tag(os.fstat(f.fileno()))

    def put_if_match(
        self, key: str, data: bytes, tag: str, content_type: str = "application/octet-stream"
    ) -> bool:
        """Replace one file only if its tag is still `tag` (checked and replaced under an
        exclusive lock on a guard file beside it, so two replacements cannot interleave)."""
        path = self._path(key)
        with open(path.with_name(f".{path.name}.guard"), "a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            try:
                if _file_tag(path.stat()) != tag:
                    return False
            except FileNotFoundError:
                return False
            self.put(key, data, content_type)  # a new file renamed over it: a new inode
            return True

    def delete(self, keys: Sequence[str]) -> None:
        """Remove files."""
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        """The file path."""
        return str(self.root / key)
