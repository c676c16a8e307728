"""`manage.py importvalues FILE [--period CODE] [--kecamatan CODE] [--dry-run] [--json]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.audit import file_sha256, record_command_import
from datavalues.writing import file_transaction
from intake.importing import Fate, ImportRefused, Plan, plan_values, write_plan
from intake.models import Status, Upload
from intake.parsing import BadFile, open_table


class Command(BaseCommand):
    help = (
        "Impor nilai data dari CSV/XLSX (format panjang atau lebar), semua atau tidak sama sekali."
    )
    # The system checks (about a second) say nothing about a file; `check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--period", default="", help="periode bila berkas tanpa kolom periode")
        parser.add_argument("--kecamatan", default="", help="kode kecamatan untuk cocok nama desa")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tulis apa pun")
        parser.add_argument("--json", action="store_true", help="ringkasan sebagai JSON")
        parser.add_argument("--accept-warnings", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {path}")
        size = path.stat().st_size
        sha256 = file_sha256(path)
        with path.open("rb") as stream:
            try:
                table = open_table(stream, size=size)
            except BadFile as exc:
                self._finish(None, str(exc), options)
                raise CommandError(str(exc)) from None
            plan = plan_values(
                table,
                period=options["period"],
                kecamatan=options["kecamatan"],
                progress=lambda n: self.stderr.write(f"… {n} baris diperiksa / rows checked"),
                stage=not options["dry_run"],
            )
        if plan.errors or options["dry_run"]:
            self._finish(plan, "", options)
            if plan.errors:
                raise CommandError(
                    f"{len(plan.errors)} galat: tidak ada yang disimpan / nothing written"
                )
            return
        self.stderr.write(
            f"Menyimpan {plan.values} nilai dalam satu transaksi … / writing {plan.values} values"
        )
        try:
            # One transaction for the upload record and every value: a killed process
            # leaves the database as it was.
            with file_transaction():
                upload = Upload.objects.create(
                    file_name=path.name[:200],
                    sha256=sha256,
                    size=size,
                    content=b"",  # the operator has the file; a command does not copy it
                    status=Status.COMMITTED,
                    rows=plan.rows,
                    progress=plan.rows,
                    created=plan.counts[Fate.NEW],
                    updated=plan.counts[Fate.CHANGED],
                    unchanged=plan.counts[Fate.UNCHANGED],
                    warnings=len(plan.warnings),
                    period=options["period"][:8],
                    committed_at=timezone.now(),
                )
                written = write_plan(
                    plan, by=None, accept_warnings=options["accept_warnings"], upload=upload
                )
                record_command_import(
                    command="importvalues",
                    path=path,
                    sha256=sha256,
                    counts={
                        "baris": plan.rows,
                        "baru": plan.counts[Fate.NEW],
                        "berubah": plan.counts[Fate.CHANGED],
                        "tetap": plan.counts[Fate.UNCHANGED],
                        "dihapus": plan.counts[Fate.DELETED],
                        "peringatan": len(plan.warnings),
                    },
                    region_code=options["kecamatan"],
                )
        except ImportRefused as exc:
            self._finish(plan, "", options)
            raise CommandError(f"{exc}: tidak ada yang disimpan / nothing written") from None
        self._finish(plan, f"{written} nilai disimpan / values written", options)

    def _finish(self, plan: Plan | None, message: str, options: dict[str, Any]) -> None:
        if options["json"]:
            summary: dict[str, Any] = {"message": message}
            if plan is not None:
                summary.update(
                    layout=plan.layout,
                    rows=plan.rows,
                    counts=plan.counts,
                    dry_run=options["dry_run"],
                    old_codes=[
                        {"row": row, "old_code": old, "code": new}
                        for row, old, new in plan.old_codes
                    ],
                    problems=[
                        {
                            "row": p.row,
                            "column": p.column,
                            "severity": p.severity,
                            "message": p.message,
                        }
                        for p in plan.problems
                    ],
                )
            json.dump(summary, self.stdout, ensure_ascii=False, indent=1)
            self.stdout.write("")
            return
        if plan is not None:
            self.stdout.write(
                f"{plan.rows} baris ({plan.layout}): "
                + ", ".join(f"{k} {v}" for k, v in plan.counts.items())
            )
            for row, old, new in plan.old_codes:
                self.stdout.write(f"baris {row}: kode lama {old} → {new}")
            for p in plan.problems[:200]:
                self.stdout.write(f"baris {p.row} kolom {p.column} [{p.severity}]: {p.message}")
            if len(plan.problems) > 200:
                self.stdout.write(f"… dan {len(plan.problems) - 200} lagi / and more")
        if message:
            (self.stdout if plan is not None else sys.stderr).write(message + "\n")
