"""Tables out: every export goes through `saram.core.services.exports` (cells that could run as
a formula are quoted). Reading is `saram.core.imports` (one reader for every import)."""

from saram.core.services.exports import FORMATS, write_table, write_table_file

__all__ = ["FORMATS", "write_table", "write_table_file"]
