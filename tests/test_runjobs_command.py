"""The database queue of background jobs (jobs.backend) and its worker (`runjobs`)."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task

from jobs import progress, worker
from jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def explode() -> None:
    raise ValueError("rusak / broken")


@task()
def interrupted(times: int) -> str:
    for _ in range(times):  # as Ctrl-C in the terminal of `make serve`
        os.kill(os.getpid(), signal.SIGINT)
    return "selesai"


@pytest.fixture
def signals_restored() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def test_an_enqueued_task_waits_as_a_row_until_the_worker_runs_it() -> None:
    result = add.enqueue(2, 3)
    job = Job.objects.get(pk=result.id)
    assert job.status == JobStatus.READY and job.args == [2, 3]
    assert result.status == TaskResultStatus.READY
    done = worker.run_next()
    assert done is not None and done.pk == result.id
    fetched = default_task_backend.get_result(result.id)
    assert fetched.status == TaskResultStatus.SUCCESSFUL and fetched.return_value == 5
    assert worker.run_next() is None  # the queue is empty


def test_a_failing_task_is_recorded_with_its_error_and_the_worker_goes_on() -> None:
    failing = explode.enqueue()
    after = add.enqueue(1, 1)
    worker.work(once=True)
    job = Job.objects.get(pk=failing.id)
    assert job.status == JobStatus.FAILED and job.error_class == "builtins.ValueError"
    assert "rusak / broken" in job.traceback
    assert default_task_backend.get_result(failing.id).errors[0].exception_class is ValueError
    assert Job.objects.get(pk=after.id).status == JobStatus.SUCCESSFUL


def test_a_job_claimed_by_one_worker_is_not_claimed_by_another() -> None:
    add.enqueue(1, 2)
    first = worker.claim("pekerja-1")
    assert first is not None and first.worker_id == "pekerja-1"
    assert worker.claim("pekerja-2") is None


def test_the_command_requeues_jobs_its_own_worker_id_left_running_and_runs_them() -> None:
    result = add.enqueue(4, 4)
    worker.claim("pekerja-1")  # RUNNING, and this worker was stopped
    err = io.StringIO()
    call_command("runjobs", "--once", "--worker-id", "pekerja-1", stderr=err)
    assert "1 pekerjaan yang terputus diantrekan lagi" in err.getvalue()
    assert "1 pekerjaan selesai" in err.getvalue()
    job = Job.objects.get(pk=result.id)
    assert job.status == JobStatus.SUCCESSFUL and job.return_value == 8


def test_a_starting_worker_leaves_the_running_jobs_of_other_workers_alone() -> None:
    result = add.enqueue(4, 4)
    worker.claim("pekerja-lain")  # in progress in another process

    call_command("runjobs", "--once", "--worker-id", "pekerja-baru", stderr=io.StringIO())

    job = Job.objects.get(pk=result.id)
    assert (job.status, job.worker_id) == (JobStatus.RUNNING, "pekerja-lain")


def test_a_job_of_higher_priority_is_claimed_first() -> None:
    report = add.enqueue(1, 1)
    urgent = add.using(priority=10).enqueue(2, 2)

    first = worker.claim("pekerja-1")
    second = worker.claim("pekerja-1")

    assert first is not None and second is not None
    assert (first.pk, second.pk) == (urgent.id, report.id)


def test_progress_reported_in_one_place_is_read_in_another_and_forgotten() -> None:
    progress.report("uji", "memeriksa", 25, 100)
    state = progress.read("uji")
    assert (state.stage, state.done, state.percent) == ("memeriksa", 25, 25)
    assert progress.read("lain").percent is None
    progress.forget("uji")
    assert progress.read("uji").stage == ""


def test_a_reporter_moves_to_its_next_stage_once_every_row_is_counted() -> None:
    reporter = progress.Reporter("uji", "mengimpor", 100, then="menyimpan")
    assert progress.read("uji").percent == 0
    reporter(50)
    assert (progress.read("uji").stage, progress.read("uji").percent) == ("mengimpor", 50)
    reporter(100)
    state = progress.read("uji")
    assert (state.stage, state.done, state.percent) == ("menyimpan", 100, None)


def test_one_interrupt_lets_the_running_job_finish_and_then_stops_the_worker(
    signals_restored: None,
) -> None:
    first = interrupted.enqueue(1)
    second = add.enqueue(1, 1)
    err = io.StringIO()
    call_command("runjobs", "--interval", "0.01", stderr=err)  # no --once: the signal stops it
    assert Job.objects.get(pk=first.id).return_value == "selesai"
    assert Job.objects.get(pk=second.id).status == JobStatus.READY
    assert "Berhenti setelah pekerjaan ini" in err.getvalue()


def test_a_second_interrupt_abandons_the_job_which_waits_again_for_the_next_worker(
    signals_restored: None,
) -> None:
    result = interrupted.enqueue(2)
    err = io.StringIO()
    call_command("runjobs", stderr=err)
    assert "Dihentikan" in err.getvalue()
    assert Job.objects.get(pk=result.id).status == JobStatus.RUNNING
    assert worker.requeue_interrupted(worker.default_worker_id()) == 1
    assert Job.objects.get(pk=result.id).status == JobStatus.READY


def test_the_worker_forgets_jobs_that_ended_more_than_a_week_ago() -> None:
    old, recent, waiting = add.enqueue(1, 1), add.enqueue(2, 2), add.enqueue(3, 3)
    worker.run_next()
    worker.run_next()
    Job.objects.filter(pk=old.id).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert worker.delete_finished() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.id, waiting.id}
