"""The data directory and the SQLite database are readable by the service's user alone."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def keep_data_dir_private() -> None:
    """The data directory 0700, and the directory Django spools uploads into, ready."""
    path = Path(settings.DATA_DIR)
    if path.is_dir():
        with contextlib.suppress(PermissionError):
            os.chmod(path, PRIVATE_DIR)
    incoming = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if incoming:
        with contextlib.suppress(OSError):
            Path(incoming).mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            for folder in (Path(incoming), Path(incoming).parent):
                os.chmod(folder, PRIVATE_DIR)


def keep_database_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new SQLite connection: the database file and its journal files are 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name.startswith(":memory:") or "mode=memory" in name:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        if path.exists():
            with contextlib.suppress(PermissionError):
                os.chmod(path, PRIVATE_FILE)
