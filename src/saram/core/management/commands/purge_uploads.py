"""`saram purge_uploads [--days N]`: remove uploads and kept error rows older than the
retention time (SARAM_UPLOAD_KEEP_DAYS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saram.core.imports import purge_uploads


class Command(BaseCommand):
    help = "Remove uploads and kept error rows older than SARAM_UPLOAD_KEEP_DAYS (or --days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="retention in days")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = purge_uploads(days=options["days"])
        self.stdout.write(f"{removed}")
