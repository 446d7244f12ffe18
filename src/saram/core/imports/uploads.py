"""Uploaded files: streamed to disk under a size cap, readable by the service's user alone, and
removed when their job ends or when their review time is over.

The web worker never holds a whole upload: Django's handlers spool it to a temporary file (the
first few megabytes in memory), `CappedUploadHandler` stops reading a request that is larger
than the cap as soon as it knows, and `keep_upload` copies the spooled file in chunks into the
data directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest

from saram.core.errors import SaramError
from saram.core.files import PRIVATE_DIR, PRIVATE_FILE

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Upload:
    """A kept upload: where it is, and the name the user gave it (which says its format)."""

    path: Path
    filename: str

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def as_params(self) -> dict[str, str]:
        return {"upload": self.path.name, "filename": self.filename}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Upload:
        name = Path(str(params.get("upload", ""))).name  # never a path from outside the dir
        return cls(upload_dir() / name, str(params.get("filename", "")))


def max_upload_bytes() -> int:
    return int(settings.SARAM_UPLOAD_MAX_MB) * 1024 * 1024


def private_dir(path: Path) -> Path:
    """A directory only the service's user can enter."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(path, PRIVATE_DIR)
    return path


def upload_dir() -> Path:
    return private_dir(Path(settings.DATA_DIR) / "uploads")


def incoming_dir() -> Path:
    """Where Django spools uploads past FILE_UPLOAD_MAX_MEMORY_SIZE (same disk: kept by a move)."""
    return private_dir(upload_dir() / "incoming")


def review_dir() -> Path:
    """Where a rejected import's bad rows (already redacted) wait for the user to download."""
    return private_dir(upload_dir() / "review")


def _chunks(source: Any) -> Iterator[bytes]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        for start in range(0, len(data), _CHUNK):
            yield data[start : start + _CHUNK]
    elif hasattr(source, "chunks"):
        yield from source.chunks(_CHUNK)
    else:
        while chunk := source.read(_CHUNK):
            yield chunk


def keep_upload(source: Any, filename: str, *, max_bytes: int | None = None) -> Upload:
    """Copy an upload (Django's UploadedFile, a file object or bytes) into the uploads directory,
    in chunks, as a file only the service's user can read; refuse it past the size cap."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    suffix = Path(filename).suffix.lower()[:8]
    path = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    spooled = getattr(source, "temporary_file_path", None)
    if spooled is not None and getattr(source, "size", limit + 1) <= limit:
        # Django spooled it into the uploads directory already: move it, do not copy it.
        with contextlib.suppress(OSError):
            os.replace(spooled(), path)
            os.chmod(path, PRIVATE_FILE)
            return Upload(path, Path(filename).name[:200] or "upload")
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(source):
                written += len(chunk)
                if written > limit:
                    raise SaramError("import_too_large", limit_mb=limit // (1024 * 1024))
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Upload(path, Path(filename).name[:200] or "upload")


def discard(upload: Upload | None) -> None:
    if upload is not None:
        upload.path.unlink(missing_ok=True)


def keep_days() -> int:
    return int(settings.SARAM_UPLOAD_KEEP_DAYS)


def purge_uploads(*, now: float | None = None, days: int | None = None) -> int:
    """Remove uploads and review files older than the retention time; returns how many."""
    limit = keep_days() if days is None else days
    cutoff = (time.time() if now is None else now) - limit * 86400
    removed = 0
    root = upload_dir()
    for path in sorted(root.rglob("*"), reverse=True):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
            elif (
                path.is_dir()
                and path != root
                and not any(path.iterdir())
                and path.stat().st_mtime < cutoff
            ):
                shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:
            continue
    return removed


class CappedUploadHandler(FileUploadHandler):
    """Stops reading a request whose upload is over the size cap, at once.

    A request announcing more than the cap is cut off when its file starts (the fields before
    it, the CSRF token among them, are already read); one that does not announce its size is
    cut off when the bytes received pass the cap. `refused_upload(request)` then tells the view.
    """

    chunk_size = 1 << 20

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.saram_upload_refused = max_upload_bytes() // (1024 * 1024)  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=True)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        # The request also carries the other fields and the multipart framing: allow for them.
        if self.content_length and self.content_length > max_upload_bytes() + 64 * 1024:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# Django parses a multipart body in chunks as small as its handlers' smallest (64 KB by
# default); 1 MB chunks parse a large upload several times faster.
UPLOAD_CHUNK = 1 << 20


class SpoolUploadHandler(TemporaryFileUploadHandler):
    chunk_size = UPLOAD_CHUNK


class SmallUploadHandler(MemoryFileUploadHandler):
    chunk_size = UPLOAD_CHUNK


def refuse_oversized(request: HttpRequest) -> None:
    """Raise the size refusal if `CappedUploadHandler` cut this request's upload off."""
    request.FILES  # noqa: B018 -- parsing the body is what runs the handler
    limit = getattr(request, "saram_upload_refused", None)
    if limit is not None:
        raise SaramError("import_too_large", limit_mb=limit)
