"""`saram escalate_overdue`: mark every visit past its due date as escalated (run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saram.welfare.services.rounds import escalate_overdue


class Command(BaseCommand):
    help = "Escalate every outreach visit past its due date to the dong's welfare officers."

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_overdue(now=timezone.now())
        self.stdout.write(f"escalated {count} overdue visits")
