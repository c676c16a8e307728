"""Run background jobs (imports of big files, reports) queued by the web pages."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jobs import worker


class Command(BaseCommand):
    help = "Menjalankan pekerjaan latar belakang / runs queued background jobs"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="detik menunggu saat antrean kosong"
        )
        parser.add_argument(
            "--once", action="store_true", help="jalankan yang menunggu lalu berhenti"
        )
        parser.add_argument("--queue", action="append", default=[], help="hanya antrean ini")
        parser.add_argument(
            "--worker-id",
            default=worker.default_worker_id(),
            help="nama unik pekerja ini bila beberapa berjalan di satu host (bawaan: nama host)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping: list[int] = []

        def stop(signum: int, frame: Any) -> None:
            # The first signal: finish the running job, then leave. A second one: leave now;
            # the job is put back in the queue when a worker starts again.
            if stopping:
                raise KeyboardInterrupt
            stopping.append(signum)
            self.stderr.write(
                "Berhenti setelah pekerjaan ini (sekali lagi: berhenti sekarang) / "
                "stopping after the current job (again: stop now)"
            )

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.delete_finished()
        worker_id: str = options["worker_id"][:64]
        again = worker.requeue_interrupted(worker_id)
        if again:
            self.stderr.write(f"{again} pekerjaan yang terputus diantrekan lagi / jobs requeued")
        self.stderr.write("Pekerja latar belakang berjalan / background worker running")
        try:
            done = worker.work(
                interval=options["interval"],
                once=options["once"],
                queues=set(options["queue"]) or None,
                should_stop=lambda: bool(stopping),
                worker_id=worker_id,
            )
        except KeyboardInterrupt:
            self.stderr.write(
                "Dihentikan; pekerjaan yang terputus diantrekan lagi saat pekerja mulai lagi / "
                "stopped; the interrupted job is requeued when a worker starts again"
            )
            return
        self.stderr.write(f"{done} pekerjaan selesai / jobs done")
