"""`saram issue_token USER [--name NAME] [--days N]`: print a new API token's key once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saram.core.errors import SaramError
from saram.core.tokens import issue_token


class Command(BaseCommand):
    help = "Issue a personal API token for a user and print it once; it ends after --days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SARAM_TOKEN_DEFAULT_DAYS,
            help=f"days until the token expires (1-{settings.SARAM_TOKEN_MAX_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            key = issue_token(user=user, name=options["name"], days=options["days"])
        except SaramError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(key)
