"""Long work as jobs: start one, report its progress, finish it with a result or errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from saram.core.errors import SaramError
from saram.core.models import Job, JobStatus


def upload_path(job: Job) -> Path:
    return Path(settings.DATA_DIR) / "uploads" / f"{job.pk}.bin"


def start_job(
    *,
    by: Any,
    kind: str,
    label: str,
    params: dict[str, Any],
    enqueue: Callable[[str], object],
    upload: bytes | None = None,
) -> Job:
    """Record a queued job (keeping any uploaded file) and enqueue its task once committed."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, label=label, created_by=by, params=params)
        if upload is not None:
            path = upload_path(job)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(upload)
        transaction.on_commit(lambda: enqueue(str(job.pk)))
    return job


def report_progress(job_id: str, *, done: int, total: int, message: str = "") -> None:
    """Store progress; `message` is a Korean msgid (`gettext_noop`), translated when shown."""
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, done=done, total=total, message=message[:300]
    )


def run_job(job_id: str, work: Callable[[Job], dict[str, Any]]) -> None:
    """Run `work` for a job: success stores its result, a SaramError stores the row errors."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    try:
        result = work(job)
    except SaramError as exc:
        # The code and parameters are stored, not the text: the page renders them in its
        # reader's language (`Job.error`). `message` stays as a plain fallback for files.
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, message="", result=exc.as_dict()
        )
    except Exception:
        # A crash's text is for the log, not for the reader (it may hold personal data).
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, message="", result=SaramError("job_crashed").as_dict()
        )
        raise
    else:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.SUCCEEDED, result=result, done=job.total or 1, total=job.total or 1
        )
    finally:
        path = upload_path(job)
        if path.exists():
            path.unlink()
