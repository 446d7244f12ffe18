"""Log filters: a refusal (403, 404, 401, 405) is a line in the log, not a traceback."""

from __future__ import annotations

import logging

REFUSALS = frozenset({401, 403, 404, 405})


class RefusalWithoutTraceback(logging.Filter):
    """Django logs a PermissionDenied with its traceback; a refusal is expected, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in REFUSALS:
            record.exc_info = None
            record.exc_text = None
        return True
