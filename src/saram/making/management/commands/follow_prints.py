"""`saram follow_prints [--every S]`: read progress and temperatures of every job printing now
(from cron or a timer; with --every, again every S seconds until stopped, as `saram demo` does)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saram.making.models import JobStatus, PrintJob
from saram.making.services import printing


class Command(BaseCommand):
    help = "Follow every print job that is printing: progress, temperatures, done or lost."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every S seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            jobs = PrintJob.objects.filter(status=JobStatus.PRINTING).select_related("printer")
            for job in jobs:
                job = printing.follow_print(job=job, now=timezone.now())
                if job.status != JobStatus.PRINTING or not options["every"]:
                    self.stdout.write(f"{job.pk}: {job.status} {job.progress_percent}%")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
