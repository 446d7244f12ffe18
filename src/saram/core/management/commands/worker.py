"""`saram worker`: the task worker. First fails the jobs a dead worker on this host left
running (with a reason, their files removed), then takes tasks from every queue."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from saram.core.services.jobs import fail_abandoned


class Command(BaseCommand):
    help = "Run the task worker, after failing jobs that a dead worker left running."

    def handle(self, *args: Any, **options: Any) -> None:
        os.nice(5)  # background work: the web server's requests come first
        autodiscover_modules("tasks")  # each app's tasks register their cleanups
        failed = fail_abandoned()
        if failed:
            self.stderr.write(f"saram worker: {failed} abandoned job(s) marked failed")
        call_command("db_worker", queue_name="*")
