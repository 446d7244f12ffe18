"""`saram follow_prints`: read progress and temperatures of every job printing now (cron/timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saram.making.models import JobStatus, PrintJob
from saram.making.services import printing


class Command(BaseCommand):
    help = "Follow every print job that is printing: progress, temperatures, done or lost."

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = PrintJob.objects.filter(status=JobStatus.PRINTING).select_related("printer")
        for job in jobs:
            job = printing.follow_print(job=job, now=timezone.now())
            self.stdout.write(f"{job.pk}: {job.status} {job.progress_percent}%")
