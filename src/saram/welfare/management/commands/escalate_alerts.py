"""`saram escalate_alerts`: move every unanswered 긴급 alert up to the team lead or the city
once the city's timetable says so (run it every few minutes, e.g. from cron or the worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saram.welfare.services.alerts import escalate_alerts


class Command(BaseCommand):
    help = "Escalate unanswered urgent alerts to the team lead, then the city, on its timetable."

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_alerts(now=timezone.now())
        self.stdout.write(f"escalated {count} urgent alerts")
