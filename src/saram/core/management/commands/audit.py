"""`saram audit verify`: walk the audit log's hash chain and say where it breaks, if it does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saram.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks every entry against its hash and its predecessor."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("verify", help="check the hash chain; exit 1 at the first break")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self.verify()

    def verify(self) -> None:
        verdict = verify_chain()
        if not verdict.ok:
            raise CommandError(
                f"감사 기록 사슬이 끊어졌습니다: seq {verdict.broken_at}: {verdict.reason} "
                f"(그 앞 {verdict.checked}건은 온전합니다)",
                returncode=1,
            )
        self.stdout.write(f"감사 기록 {verdict.checked}건을 확인했습니다: 사슬이 온전합니다.")
