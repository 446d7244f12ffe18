"""Long work as jobs: start one, report its progress, finish it with a result or errors.

A job runs once: the worker claims it by moving it from queued to running in one conditional
update, so a task delivered twice does nothing the second time. Its upload is removed when it
ends, whatever the outcome; a rejected import keeps only its bad rows, masked, for review
(`saram.core.imports.review`). A worker that dies mid-job leaves the job running: the next
worker to start on the same host fails such jobs with a reason and removes their files
(`fail_abandoned`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

from django.db import transaction

from saram.core.errors import SaramError
from saram.core.imports import review
from saram.core.imports.uploads import Upload, discard
from saram.core.models import Job, JobStatus

ERROR_PREVIEW = 50  # row errors kept on the job and shown on its page; all are in the download

# Cleanups an app registers for its kind of job, run when a job is found abandoned.
_ON_ABANDONED: dict[str, Callable[[Job], None]] = {}


def on_abandoned(kind: str, cleanup: Callable[[Job], None]) -> None:
    """Run `cleanup(job)` when a job of `kind` is failed because its worker died."""
    _ON_ABANDONED[kind] = cleanup


def upload_of(job: Job) -> Upload:
    return Upload.from_params(job.params)


def start_job(
    *,
    by: Any,
    kind: str,
    label: str,
    params: dict[str, Any],
    enqueue: Callable[[str], object],
    upload: Upload | None = None,
) -> Job:
    """Record a queued job (with its kept upload, if any) and enqueue its task once committed."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            label=label,
            created_by=by,
            params=params | (upload.as_params() if upload is not None else {}),
        )
        transaction.on_commit(lambda: enqueue(str(job.pk)))
    return job


def report_progress(job_id: str, *, done: int, total: int, message: str = "") -> None:
    """Store progress; `message` is a Korean msgid (`gettext_noop`), translated when shown."""
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        done=done, total=total, message=str(message)[:300]
    )


def _claim(job_id: str) -> bool:
    """Move the job from queued to running; False if another delivery already did."""
    worker = {"worker_host": socket.gethostname(), "worker_pid": os.getpid()}
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return False
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, params=job.params | worker
        )
    )


def _failed_result(exc: SaramError) -> dict[str, Any]:
    data = exc.as_dict()
    errors = data.pop("errors")
    return data | {"errors": errors[:ERROR_PREVIEW], "error_count": len(errors)}


def run_job(job_id: str, work: Callable[[Job], dict[str, Any]]) -> None:
    """Run `work` for a job once: success stores its result, a SaramError its code and first
    row errors (a rejected file's bad rows are kept for download), anything else fails it."""
    if not _claim(job_id):
        return
    job = Job.objects.get(pk=job_id)
    try:
        result = work(job)
    except SaramError as exc:
        # The code and parameters are stored, not the text: the page renders them in its
        # reader's language (`Job.error`).
        result = _failed_result(exc)
        if exc.row_errors:
            result["has_review"] = review.keep(job_id, exc)
        Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, message="", result=result)
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
        if "upload" in job.params:
            discard(upload_of(job))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_abandoned() -> int:
    """Fail the running jobs of this host whose worker process is gone, with a reason, and
    remove their files; returns how many."""
    host = socket.gethostname()
    count = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING):
        pid = job.params.get("worker_pid")
        if job.params.get("worker_host") != host or not isinstance(pid, int) or _alive(pid):
            continue
        error = SaramError("job_worker_died")
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, message=error.message[:300], result=_failed_result(error)
        )
        if not updated:
            continue
        count += 1
        if "upload" in job.params:
            discard(upload_of(job))
        cleanup = _ON_ABANDONED.get(job.kind)
        if cleanup is not None:
            cleanup(job)
    return count
