"""Tasks of the core app: take ids only and call a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop
from django_tasks import task

from saram.core.models import Job
from saram.core.services import jobs, organisations, people


@task()
def import_people_task(job_id: str) -> None:
    def work(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        jobs.report_progress(job_id, done=0, total=1, message=gettext_noop("검증 중"))
        count = people.import_people(
            by=user,
            upload=jobs.upload_of(job),
            purpose=job.params.get("purpose", "주민 가져오기"),
        )
        return {"imported": count}

    jobs.run_job(job_id, work)


@task()
def import_organisations_task(job_id: str) -> None:
    def work(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        jobs.report_progress(job_id, done=0, total=1, message=gettext_noop("검증 중"))
        count = organisations.import_organisations(by=user, upload=jobs.upload_of(job))
        return {"imported": count}

    jobs.run_job(job_id, work)
