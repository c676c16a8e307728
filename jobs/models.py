"""The queue of background jobs: one row per task enqueued through django-tasks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    # The values of django_tasks.TaskResultStatus, so a row maps onto a TaskResult as is.
    READY = "READY", _("menunggu")
    RUNNING = "RUNNING", _("berjalan")
    FAILED = "FAILED", _("gagal")
    SUCCESSFUL = "SUCCESSFUL", _("selesai")


class Job(models.Model):
    """A task call waiting for, or done by, `manage.py runjobs` (jobs.backend)."""

    id = models.CharField(primary_key=True, max_length=64)
    task_path = models.CharField(max_length=200)
    queue_name = models.CharField(max_length=32, default="default")
    # The task's priority (django-tasks, -100…100): higher runs first (imports before reports).
    priority = models.SmallIntegerField(default=0)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.READY)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    return_value = models.JSONField(null=True, blank=True)
    error_class = models.CharField(max_length=200, blank=True)
    traceback = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        indexes = [
            models.Index(fields=["status", "-priority", "enqueued_at"], name="job_queue_priority")
        ]

    def __str__(self) -> str:
        return f"{self.task_path} {self.id} ({self.status})"
