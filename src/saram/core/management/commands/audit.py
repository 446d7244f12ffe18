"""`saram audit verify [--checkpoints FILE]`: walk the audit log's keyed hash chain, compare it
with the signed checkpoints kept outside the database, and say where it breaks, if it does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saram.core.audit import checkpoint_path, read_checkpoints, verify_chain


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` checks every entry against its keyed hash and its "
        "predecessor, and the chain against the signed checkpoints outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="check the chain; exit 1 at the first break")
        verify.add_argument(
            "--checkpoints",
            type=Path,
            help="a checkpoint file to check against (e.g. a copy from syslog); "
            "default: SARAM_AUDIT_CHECKPOINT_FILE",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self.verify(options.get("checkpoints"))

    def verify(self, path: Path | None) -> None:
        path = path or checkpoint_path()
        points = list(read_checkpoints(path))
        verdict = verify_chain(points)
        if not verdict.ok:
            raise CommandError(
                f"감사 기록 사슬이 끊어졌습니다: seq {verdict.broken_at}: {verdict.reason} "
                f"(그 앞 {verdict.checked}건은 온전합니다)",
                returncode=1,
            )
        self.stdout.write(
            f"감사 기록 {verdict.checked}건을 확인했습니다: 사슬이 온전합니다 "
            f"(데이터베이스 밖 체크포인트 {len(points)}건과 일치, {path})."
        )
        if verdict.checked and not points:
            self.stderr.write(
                f"주의: 체크포인트 파일이 없거나 비어 있습니다 ({path}): 끝부분 삭제는 찾을 수 "
                "없습니다."
            )
