"""Tasks of the making app: take ids only and call a service."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from saram.making.services import printing


@task()
def slice_print_job(job_id: int) -> None:
    printing.run_slice(job_id, now=timezone.now())
