"""Tasks of the welfare app: take ids only and call a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from saram.core.models import City, Job
from saram.core.services import jobs
from saram.welfare.models import Round, SignalImport
from saram.welfare.services import alerts, learned, rounds, signals


def _progress(job_id: str) -> signals.Progress:
    def report(done: int, total: int, message: str) -> None:
        jobs.report_progress(job_id, done=done, total=total, message=message)

    return report


@task()
def import_signals_task(job_id: str) -> None:
    """Check and import one signal file (params: batch, only_valid)."""

    def work(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id)
        batch = SignalImport.objects.get(pk=job.params["batch"])
        try:
            done = signals.import_signals(
                by=user,
                batch=batch,
                only_valid_rows=bool(job.params.get("only_valid")),
                progress=_progress(job_id),
            )
        except Exception:
            # A rejected file stays rejected (its file kept for "only the valid rows");
            # anything else that stopped the import leaves it failed, its file removed.
            signals.fail_import(batch.pk)
            raise
        return {"imported": done.imported_count, "review": done.review_count}

    jobs.run_job(job_id, work)


jobs.on_abandoned("welfare_signals", lambda job: signals.fail_import(job.params["batch"]))


@task()
def score_round_task(job_id: str) -> None:
    """Score a planned outreach round (params: round)."""

    def work(job: Job) -> dict[str, Any]:
        round_ = Round.objects.select_related("dong__city", "config").get(pk=job.params["round"])
        done = rounds.score_round(round_=round_, progress=_progress(job_id))
        return {"imported": done.listed_count, "listed": done.listed_count}

    jobs.run_job(job_id, work)


@task()
def escalate_overdue_task() -> int:
    """Escalate every visit past its due date (run daily by the worker's scheduler or cron)."""
    return rounds.escalate_overdue(now=timezone.now())


@task()
def escalate_alerts_task() -> int:
    """Move unanswered 긴급 alerts up the city's timetable (run every few minutes)."""
    return alerts.escalate_alerts(now=timezone.now())


@task()
def compare_models_task(job_id: str) -> None:
    """Fit the learned model on older rounds, compare it with the points model on the held-out
    newer ones and store it (params: city, k); the page shows the stored model, never fits."""

    def work(job: Job) -> dict[str, Any]:
        city = City.objects.get(pk=job.params["city"])
        by = get_user_model().objects.filter(pk=job.created_by_id).first()
        stored = learned.fit_and_compare(
            city=city, k=int(job.params["k"]), today=timezone.localdate(), now=timezone.now(), by=by
        )
        return {"model": stored.pk, "is_better": stored.is_better}

    jobs.run_job(job_id, work)
