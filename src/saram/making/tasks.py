"""Tasks of the making app: take ids only and call a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from saram.core.models import Job
from saram.core.services import jobs
from saram.making.services import catalogue_imports, cluster_imports, printing


@task()
def slice_print_job(job_id: int) -> None:
    printing.run_slice(job_id, now=timezone.now())


def _progress_of(job_id: str) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        jobs.report_progress(job_id, done=done, total=total, message=gettext_noop("저장 중"))

    return progress


# What each making import writes, by `job.params["what"]`.
IMPORTS: dict[str, Callable[[Any, Any, str], int]] = {
    "machines": lambda user, upload, _job: catalogue_imports.import_machines(
        by=user, upload=upload, now=timezone.now()
    ),
    "materials": lambda user, upload, _job: catalogue_imports.import_materials(
        by=user, upload=upload, now=timezone.now()
    ),
    "members": lambda user, upload, job_id: cluster_imports.import_members(
        by=user, upload=upload, progress=_progress_of(job_id)
    ),
    "projects": lambda user, upload, job_id: cluster_imports.import_projects(
        by=user, upload=upload, progress=_progress_of(job_id)
    ),
}


@task()
def import_catalogue_task(job_id: str) -> None:
    """Machines, materials, cluster members or R&D projects from a file
    (`job.params["what"]`), all or nothing."""

    def work(job: Job) -> dict[str, object]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        jobs.report_progress(job_id, done=0, total=1, message=gettext_noop("검증 중"))
        run = IMPORTS[job.params.get("what", "materials")]
        return {"imported": run(user, jobs.upload_of(job), job_id)}

    jobs.run_job(job_id, work)
