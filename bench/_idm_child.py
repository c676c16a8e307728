"""One step of an IDM upload in its own process, as the web and the worker run it; prints
the step's wall time and the process's peak memory as JSON (run by bench/idm.py).

`python -m bench._idm_child receive FILE`: a national administrator sends FILE on /impor/
(the stored Upload); `worker UPLOAD USER`: the worker's check (plan, preview snapshot),
then every suggestion ticked ("confirm all") and the worker's import, in one process as
`runjobs` runs them; each step's peak is the process's resident high-water mark since the
step began (Linux), the process's peak is ru_maxrss.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django
from django.contrib.auth import get_user_model

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from accounts import assigning  # noqa: E402
from accounts.models import Role  # noqa: E402
from intake import idm, importing, tasks  # noqa: E402
from intake.models import Upload  # noqa: E402
from jobs import worker  # noqa: E402

User = get_user_model()


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def receive(path: Path) -> dict[str, object]:
    user = User.objects.create_user("bench-idm", email="bench-idm@example.go.id")
    assigning.grant(by=None, user=user, role=Role.ADMIN, region_code=None)
    with path.open("rb") as stream:
        upload = importing.receive(
            name=path.name, stream=stream, size=path.stat().st_size, by=user, kind=idm.KIND
        )
    assert tasks.in_background(upload), "the national file is checked by the worker"
    return {"upload": upload.pk, "user": user.pk}


def check(upload_id: int, user_id: int) -> dict[str, object]:
    upload = Upload.objects.get(pk=upload_id)
    tasks.queue_check(upload, by=User.objects.get(pk=user_id))
    assert worker.run_next() is not None
    upload.refresh_from_db()
    preview = upload.preview or {}
    return {
        "status": upload.status,
        "rows": upload.rows,
        "entries": preview.get("entries"),
        "suggestions": len(preview.get("suggestions", [])),
        "leftovers": len(preview.get("leftovers", [])),
        "preview_kb": round(len(json.dumps(preview)) / 1024),
        "job_error": upload.job_error,
    }


def import_(upload_id: int, user_id: int) -> dict[str, object]:
    upload = Upload.objects.get(pk=upload_id)
    confirmed = sorted({s["old_code"] for s in (upload.preview or {}).get("suggestions", [])})
    assert tasks.queue_import(
        upload, by=User.objects.get(pk=user_id), accept_warnings=False, confirmed=confirmed
    )
    assert worker.run_next() is not None
    upload.refresh_from_db()
    return {
        "status": upload.status,
        "created": upload.created,
        "updated": upload.updated,
        "unchanged": upload.unchanged,
        "confirmed": len(confirmed),
        "job_error": upload.job_error,
    }


def step_peak_mb() -> float:
    """The peak resident memory since the last `reset_step_peak` (Linux VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return peak_mb()


def reset_step_peak() -> None:
    """Start a step's peak at the current resident memory (Linux clear_refs 5)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def timed(step: Callable[[], dict[str, object]]) -> dict[str, object]:
    reset_step_peak()
    start = time.perf_counter()
    out = step()
    out.update(seconds=round(time.perf_counter() - start, 1), peak_rss_mb=step_peak_mb())
    return out


def main(argv: list[str]) -> None:
    if argv[0] == "receive":
        out = timed(lambda: receive(Path(argv[1])))
    else:  # the worker: the check, then the import, in one process as `runjobs` runs them
        upload_id, user_id = int(argv[1]), int(argv[2])
        out = {
            "check": timed(lambda: check(upload_id, user_id)),
            "import": timed(lambda: import_(upload_id, user_id)),
        }
    out["process_peak_rss_mb"] = peak_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
