"""The worker side of jobs.backend: claim the next waiting job, run it, record the outcome.

Several workers may share one database. A job is claimed inside a short transaction: on
PostgreSQL the waiting row is read with `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent
workers take different rows without waiting for each other; on SQLite (no row locks, one
writer at a time) the conditional UPDATE (`status = READY` → `RUNNING`) alone decides, and of
two workers only one sees a changed row. The next job is the one of highest priority (imports
before reports), then the oldest. Each task runs outside any transaction of the worker, so a
task that opens its own (an import commit) is all or nothing exactly as in a request.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import time
from collections.abc import Callable

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.signals import task_finished, task_started
from django_tasks.utils import (
    get_exception_traceback,
    get_module_path,
    get_random_id,
    normalize_json,
)

from jobs import daily
from jobs.backend import DatabaseBackend, result_of
from jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

KEEP_DAYS = 7  # finished jobs are kept this long for inspection, then deleted


def default_worker_id() -> str:
    """The host name: one worker per host needs no `--worker-id`; several on one host do."""
    return socket.gethostname()[:64] or "pekerja"


def claim(worker_id: str, queues: set[str] | None = None) -> Job | None:
    """The next waiting job, now marked as running by this worker (None if none waits)."""
    waiting = Job.objects.filter(status=JobStatus.READY)
    if queues:
        waiting = waiting.filter(queue_name__in=queues)
    with transaction.atomic():
        # A no-op on SQLite; on PostgreSQL rows locked by another worker's claim are skipped.
        pk = (
            waiting.select_for_update(skip_locked=True)
            .order_by("-priority", "enqueued_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        taken = Job.objects.filter(pk=pk, status=JobStatus.READY).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), worker_id=worker_id
        )
    return Job.objects.get(pk=pk) if taken else None


def run(job: Job) -> Job:
    """Run one claimed job and store its return value or its error."""
    task = import_string(job.task_path)
    task_started.send(DatabaseBackend, task_result=result_of(job, task))
    try:
        value = task.call(*job.args, **job.kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # recorded, never lost: the page shows that the job failed
        log.exception("job %s (%s) failed", job.pk, job.task_path)
        job.status = JobStatus.FAILED
        job.error_class = get_module_path(type(exc))[:200]
        job.traceback = get_exception_traceback(exc)
    else:
        job.status = JobStatus.SUCCESSFUL
        job.return_value = normalize_json(value)
    job.finished_at = timezone.now()
    job.save()
    task_finished.send(DatabaseBackend, task_result=result_of(job, task))
    return job


def run_next(worker_id: str = "", queues: set[str] | None = None) -> Job | None:
    """Claim and run the oldest waiting job; None when the queue is empty."""
    job = claim(worker_id or get_random_id(), queues)
    return run(job) if job is not None else None


def requeue_interrupted(worker_id: str) -> int:
    """Jobs that this worker id left running when it was stopped are waiting again.

    Only its own: a job running under another worker id may be in progress in another
    process. Worker ids must therefore be unique among running workers (`runjobs
    --worker-id`). Safe because every task of the project can run twice: planning writes
    nothing, an import is one transaction that a stopped worker rolled back, a report is
    rebuilt.
    """
    return Job.objects.filter(status=JobStatus.RUNNING, worker_id=worker_id).update(
        status=JobStatus.READY, started_at=None, worker_id=""
    )


def delete_finished(days: int = KEEP_DAYS) -> int:
    """Forget jobs that ended more than `days` ago (their outcome is on the upload or report)."""
    limit = timezone.now() - dt.timedelta(days=days)
    deleted, _by_model = Job.objects.filter(
        status__in=[JobStatus.SUCCESSFUL, JobStatus.FAILED], finished_at__lt=limit
    ).delete()
    return deleted


def work(
    *,
    interval: float = 1.0,
    once: bool = False,
    queues: set[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    worker_id: str = "",
) -> int:
    """The worker loop: run jobs as they come, sleep `interval` seconds when idle."""
    worker_id = worker_id or get_random_id()
    done = 0
    while not should_stop():
        if not connection.in_atomic_block:  # (a test runs the loop inside its transaction)
            close_old_connections()  # as after a request: drop broken or aged connections
        job = run_next(worker_id, queues)
        if job is not None:
            done += 1
            log.info("job %s %s: %s", job.pk, job.task_path, job.status)
            continue
        daily.run_due()  # the queue is empty: time for the once-a-day jobs
        if once:
            break
        time.sleep(interval)
    return done
