"""`saram load_city DIR`: load or update a city (gu, dongs, boundaries, organisations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from saram.core.errors import SaramError
from saram.core.services.cities import load_city, load_listed_organisations


def describe(error: SaramError) -> str:
    """The error's message with one line per bad row: row, field, what would be right."""
    lines = [error.message]
    for row in error.row_errors:
        value = f" ({row.value})" if row.value else ""
        lines.append(f"  {row.row}행 {row.field}: {row.message}{value}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load or update a city from a directory holding city.json and its boundary GeoJSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory",
            nargs="?",
            default=None,
            help="the city directory (default: SARAM_CITY_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"] or settings.SARAM_CITY_DIR)
        if not directory.is_dir():
            raise CommandError(f"{directory}: 디렉터리가 없습니다.")
        try:
            with transaction.atomic():
                loaded = load_city(directory)
                organisations = load_listed_organisations(city=loaded.city, directory=directory)
        except SaramError as error:
            raise CommandError(describe(error)) from error
        for warning in loaded.warnings:
            self.stderr.write(f"  경고: {warning.row}번째 경계 {warning.field}: {warning.message}")
        self.stdout.write(
            f"{loaded.city.name}: 행정동 {loaded.dongs_created}개 추가, "
            f"{loaded.dongs_updated}개 갱신, 기관·단체 {organisations}개 추가"
        )
