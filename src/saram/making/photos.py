"""Gallery photos: only real JPEG, PNG or WebP images of a bounded size are kept.

The file's own bytes decide (Pillow reads the header and verifies the image), never its name
or the browser's content type; a decompression bomb is refused before it is decoded.
"""

from __future__ import annotations

from typing import Any

from PIL import Image, UnidentifiedImageError

from saram.core.errors import SaramError

FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000


class PhotoRefused(SaramError):
    pass


def check_photo(upload: Any, *, max_bytes: int) -> None:
    """Refuse an upload that is too large or not a JPEG/PNG/WebP image (raises PhotoRefused)."""
    if upload.size > max_bytes:
        raise PhotoRefused("making_photo_too_large", limit_mb=max_bytes // (1024 * 1024))
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind = image.format or ""
            width, height = image.size
            if kind not in FORMATS:
                raise PhotoRefused("making_photo_format")
            if width * height > MAX_PIXELS:
                raise PhotoRefused("making_photo_pixels", limit=f"{MAX_PIXELS:,}")
            image.verify()
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise PhotoRefused("making_photo_format") from None
    finally:
        upload.seek(0)


def content_type_of(head: bytes) -> str:
    """The content type of a kept photo, from its first bytes (checked when it was uploaded)."""
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
