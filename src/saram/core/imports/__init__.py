"""The one import pipeline: uploads kept under a size cap, read in a child process with a
memory ceiling by one reader, checked against declared columns, rejected with masked row errors
(the whole bad rows kept for download), and written by the import's own service.

    spec = ImportSpec("people", columns=(Column("주민등록번호", parse_rrn, sensitivity=RRN), ...))
    upload = keep_upload(request.FILES["file"], name)        # in the view: streamed, capped
    table = read_table(upload, spec)                          # in the task: bounded
    rows, errors = typed_rows(table, spec)                    # or polars checks over table.frame
    if errors:
        raise rejected(errors, table=table.frame, spec=spec)
"""

from saram.core.imports import codes as _codes  # noqa: F401 -- registers the messages
from saram.core.imports.reading import (
    CellError,
    Column,
    ImportSpec,
    Rejected,
    date_parser,
    read_rows,
    read_table,
    reading_errors,
    redacted_rows,
    rejected,
    typed_rows,
)
from saram.core.imports.templates import register_spec, spec_for, template_xlsx
from saram.core.imports.uploads import (
    CappedUploadHandler,
    Upload,
    discard,
    keep_upload,
    purge_uploads,
    refuse_oversized,
)
from saram.core.redaction import Sensitivity

__all__ = [
    "CappedUploadHandler",
    "CellError",
    "Column",
    "ImportSpec",
    "Rejected",
    "Sensitivity",
    "Upload",
    "date_parser",
    "discard",
    "keep_upload",
    "purge_uploads",
    "read_rows",
    "read_table",
    "reading_errors",
    "redacted_rows",
    "refuse_oversized",
    "register_spec",
    "rejected",
    "spec_for",
    "template_xlsx",
    "typed_rows",
]
