"""Tasks of the economy app: take a job id, call a service, report progress."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop
from django_tasks import task

from saram.core.errors import SaramError
from saram.core.models import Job
from saram.core.services import jobs
from saram.economy.models import SourcingRun
from saram.economy.services import ledger, meals, suppliers


@task()
def import_ledger_task(job_id: str) -> None:
    def work(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id)

        def progress(done: int, total: int, message: str) -> None:
            jobs.report_progress(job_id, done=done, total=total, message=message)

        try:
            result = ledger.import_ledger(
                by=user,
                upload=jobs.upload_of(job),
                fiscal_year=int(job.params["fiscal_year"]),
                progress=progress,
                exchange_rates={
                    code: Decimal(rate)
                    for code, rate in (job.params.get("exchange_rates") or {}).items()
                },
                accept_new_programmes=bool(job.params.get("accept_new_programmes")),
            )
        except SaramError as exc:
            # The job keeps the firms not in the registry, so the page can offer to list them
            # for review; run_job keeps the row errors.
            if exc.params.get("unmatched"):
                Job.objects.filter(pk=job_id).update(
                    params=job.params | {"unmatched": exc.params["unmatched"]}
                )
            raise
        return {
            "imported": result.rows,
            "total_krw": result.total_krw,
            "ledger_import": result.ledger_import_id,
            "fiscal_year": int(job.params["fiscal_year"]),
            "new_departments": list(result.new_departments),
            "new_programmes": list(result.new_programmes),
        }

    jobs.run_job(job_id, work)


@task()
def import_suppliers_task(job_id: str) -> None:
    def work(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        jobs.report_progress(job_id, done=0, total=1, message=gettext_noop("검증 중"))
        count = suppliers.import_suppliers(by=user, upload=jobs.upload_of(job))
        return {"imported": count}

    jobs.run_job(job_id, work)


@task()
def sourcing_task(job_id: str) -> None:
    """Solve a school-meal sourcing run, reporting each solve as progress."""

    def work(job: Job) -> dict[str, Any]:
        def progress(done: int, total: int) -> None:
            jobs.report_progress(job_id, done=done, total=total)

        run = meals.solve_run(int(job.params["run"]), progress=progress)
        return {"run": run.pk, "status": run.status}

    jobs.run_job(job_id, work)


@task()
def import_meal_file_task(job_id: str) -> None:
    """Check and store a menus or farm-offers file, all or nothing."""

    def work(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        jobs.report_progress(job_id, done=0, total=1)
        upload = jobs.upload_of(job)
        kind = job.params["kind"]
        if kind == "deliveries":
            run = SourcingRun.objects.get(pk=job.params["run"])
            count = meals.import_deliveries(by=user, upload=upload, run=run)
        else:
            service = meals.import_menus if kind == "menus" else meals.import_offers
            count = service(by=user, upload=upload, year=int(job.params["year"]))
        return {"imported": count}

    jobs.run_job(job_id, work)
