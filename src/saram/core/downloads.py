"""How a view hands over an export: as an attachment that no browser or proxy keeps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from saram.core.services.exports import FORMATS


def export_format(request: HttpRequest) -> str:
    """The `format` the user asked for (csv or xlsx; csv when missing or unknown)."""
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in FORMATS else "csv"


def attachment(content: bytes | BinaryIO, fmt: str, stem: str) -> HttpResponse | FileResponse:
    """An export file; `no-store`, because exports carry personal or unpublished data.

    `content` is the file `exports.write_table_file` wrote (sent in chunks, closed when sent)
    or, for small exports, its bytes.
    """
    response: HttpResponse | FileResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=FORMATS[fmt])
    else:
        response = FileResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def streamed_csv(lines: Iterable[str], stem: str) -> StreamingHttpResponse:
    """A CSV export sent as it is written (`exports.stream_csv`), never whole in memory."""
    response = StreamingHttpResponse(lines, content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    response["Cache-Control"] = "no-store"
    return response
