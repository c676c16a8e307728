"""A django-tasks backend that queues task calls as `Job` rows in the project's database.

django-tasks 0.12 ships only the immediate and dummy backends (its database backend moved
to a separate package); this is the small part of one that the project needs: enqueue,
read a result back from any process, and the worker loop of jobs.worker.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskError, TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id, normalize_json

from jobs.models import Job


class DatabaseBackend(BaseTaskBackend):
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        job = Job.objects.create(
            id=get_random_id(),
            task_path=task.module_path,
            queue_name=task.queue_name,
            priority=task.priority,
            args=normalize_json(list(args)),
            kwargs=normalize_json(dict(kwargs)),
        )
        result = result_of(job, task, self.alias)
        # Sent once the row is visible to the worker (after the caller's transaction).
        transaction.on_commit(lambda: task_enqueued.send(type(self), task_result=result))
        return result

    def get_result(self, result_id: str) -> TaskResult[Any]:
        try:
            job = Job.objects.get(pk=result_id)
        except Job.DoesNotExist:
            raise TaskResultDoesNotExist(result_id) from None
        return result_of(job, import_string(job.task_path), self.alias)


def result_of(job: Job, task: Task[Any, Any], alias: str = "default") -> TaskResult[Any]:
    result: TaskResult[Any] = TaskResult(
        task=task,
        id=job.id,
        status=TaskResultStatus(job.status),
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        last_attempted_at=job.started_at,
        finished_at=job.finished_at,
        args=list(job.args),
        kwargs=dict(job.kwargs),
        backend=alias,
        errors=(
            [TaskError(exception_class_path=job.error_class, traceback=job.traceback)]
            if job.error_class
            else []
        ),
        worker_ids=[job.worker_id] if job.worker_id else [],
    )
    object.__setattr__(result, "_return_value", job.return_value)
    return result
