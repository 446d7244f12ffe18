"""Tasks of the making app: take ids only and call a service."""

from __future__ import annotations

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


@task()
def import_catalogue_task(job_id: str) -> None:
    """Machines or materials from a file (`job.params["what"]`), all or nothing."""

    def work(job: Job) -> dict[str, object]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        jobs.report_progress(job_id, done=0, total=1, message=gettext_noop("검증 중"))
        run = (
            catalogue_imports.import_machines
            if job.params.get("what") == "machines"
            else catalogue_imports.import_materials
        )
        return {"imported": run(by=user, upload=jobs.upload_of(job), now=timezone.now())}

    jobs.run_job(job_id, work)


@task()
def import_cluster_task(job_id: str) -> None:
    """Cluster members or R&D projects from a file (`job.params["what"]`), all or nothing."""

    def work(job: Job) -> dict[str, object]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        jobs.report_progress(job_id, done=0, total=1, message=gettext_noop("검증 중"))
        run = (
            cluster_imports.import_members
            if job.params.get("what") == "members"
            else cluster_imports.import_projects
        )

        def progress(done: int, total: int) -> None:
            jobs.report_progress(job_id, done=done, total=total, message=gettext_noop("저장 중"))

        return {"imported": run(by=user, upload=jobs.upload_of(job), progress=progress)}

    jobs.run_job(job_id, work)
