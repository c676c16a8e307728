"""`manage.py importidm FILE [--year YYYY] [--dry-run] [--json]`: Kemendes IDM per desa."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.audit import file_sha256, record_command_import
from datavalues.models import How
from datavalues.writing import ValuesRejected, save_values
from intake.idm import plan_idm
from intake.models import Status, Upload
from intake.parsing import BadFile


class Command(BaseCommand):
    help = "Impor Indeks Desa Membangun (Kemendes) per desa ke elemen data IDM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {path}")
        size = path.stat().st_size
        with path.open("rb") as stream:
            try:
                plan = plan_idm(stream, size=size, year=options["year"])
            except BadFile as exc:
                raise CommandError(str(exc)) from None
        result = None
        if not options["dry_run"]:
            try:
                with transaction.atomic():
                    result = save_values(values=plan.values, how=How.FILE, source="Kemendes IDM")
                    sha256 = file_sha256(path)
                    Upload.objects.create(
                        kind="idm",
                        file_name=path.name[:200],
                        sha256=sha256,
                        size=size,
                        content=b"",
                        status=Status.COMMITTED,
                        rows=plan.rows,
                        progress=plan.rows,
                        created=result.created,
                        updated=result.updated,
                        unchanged=result.unchanged,
                        period=str(plan.year),
                        message=f"{len(plan.unmatched)} kode tidak dikenal",
                        committed_at=timezone.now(),
                    )
                    record_command_import(
                        command="importidm",
                        path=path,
                        sha256=sha256,
                        counts={
                            "baris": plan.rows,
                            "baru": result.created,
                            "berubah": result.updated,
                            "tetap": result.unchanged,
                            "tidak_dikenal": len(plan.unmatched),
                        },
                    )
            except ValuesRejected as exc:
                raise CommandError(f"Tidak ada yang disimpan / nothing written: {exc}") from None
        summary = {
            "year": plan.year,
            "rows": plan.rows,
            "values": len(plan.values),
            "created": result.created if result else 0,
            "updated": result.updated if result else 0,
            "unchanged": result.unchanged if result else 0,
            "unmatched": len(plan.unmatched),
            "unmatched_codes": [c for c, _p, _s in plan.unmatched],
            "skipped": [{"row": r, "reason": why} for r, why in plan.skipped],
        }
        if options["json"]:
            json.dump(summary, self.stdout, ensure_ascii=False)
            self.stdout.write("")
            return
        self.stdout.write(
            f"IDM {plan.year}: {plan.rows} baris, {len(plan.values)} nilai "
            f"(baru {summary['created']}, berubah {summary['updated']}, tetap "
            f"{summary['unchanged']}); {len(plan.unmatched)} kode desa tidak dikenal / "
            "unknown codes"
        )
        for code, province, status in plan.unmatched[:50]:
            self.stdout.write(f"  tidak dikenal / unknown: {code} ({province}, {status})")
        for row, why in plan.skipped:
            self.stdout.write(f"  baris {row} dilewati / skipped: {why}")
