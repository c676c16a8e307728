"""`manage.py importidm FILE [--year YYYY] [--match-names] [--dry-run] [--json]`:
Kemendes IDM per desa; codes of earlier editions through the crosswalk."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.audit import file_sha256, record_command_import
from datavalues.writing import SaveResult, ValuesRejected, file_transaction
from intake.idm import KIND, SOURCE, IdmPlan, plan_idm
from intake.idm_uploads import write_idm
from intake.models import Status, Upload
from intake.parsing import BadFile


class Command(BaseCommand):
    help = "Impor Indeks Desa Membangun (Kemendes) per desa ke elemen data IDM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument(
            "--match-names",
            action="store_true",
            help="kode tak dikenal → satu-satunya desa bernama sama di kabupaten/kota; "
            "padanan disimpan untuk impor berikutnya",
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {path}")
        size = path.stat().st_size
        with path.open("rb") as stream:
            try:
                plan = plan_idm(
                    stream, size=size, year=options["year"], match_names=options["match_names"]
                )
            except BadFile as exc:
                raise CommandError(str(exc)) from None
        result = SaveResult()
        stored_matches = 0
        if not options["dry_run"]:
            try:
                with file_transaction():
                    sha256 = file_sha256(path)
                    upload = Upload.objects.create(
                        kind=KIND,
                        file_name=path.name[:200],
                        sha256=sha256,
                        size=size,
                        content=b"",
                        status=Status.COMMITTED,
                        rows=plan.rows,
                        progress=plan.rows,
                        period=str(plan.year),
                        message=f"{len(plan.unmatched)} kode tidak dikenal",
                        committed_at=timezone.now(),
                    )
                    # The values, the new name matches and the rows left over (which
                    # replace the year's earlier ones of the file's provinces).
                    written = write_idm(
                        plan, upload=upload, source=f"importidm --match-names {path.name}"
                    )
                    result, stored_matches = written.saved, written.matches_stored
                    Upload.objects.filter(pk=upload.pk).update(
                        created=result.created, updated=result.updated, unchanged=result.unchanged
                    )
                    counts = {
                        "baris": plan.rows,
                        "baru": result.created,
                        "berubah": result.updated,
                        "tetap": result.unchanged,
                        "tidak_dikenal": len(plan.unmatched),
                    }
                    if plan.resolved:
                        counts["kode_lama_dipadankan"] = len(plan.resolved)
                    record_command_import(
                        command="importidm", path=path, sha256=sha256, counts=counts
                    )
            except ValuesRejected as exc:
                raise CommandError(f"Tidak ada yang disimpan / nothing written: {exc}") from None
        self._report(plan, result, stored_matches, options)

    def _report(
        self, plan: IdmPlan, result: SaveResult, stored: int, options: dict[str, Any]
    ) -> None:
        summary = {
            "year": plan.year,
            "source": SOURCE,
            "rows": plan.rows,
            "values": plan.value_count,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "resolved": [
                {"row": r.number, "old_code": r.code, "code": r.target, "how": r.how}
                for r in plan.resolved
            ],
            "name_matches_stored": stored,
            # Every row left out: codes unknown even after the crosswalk (and names), and
            # rows whose desa another row holds by its name.
            "unmatched": len(plan.unmatched),
            "unmatched_codes": [u.code for u in plan.unmatched],
            "unknown_codes": [u.code for u in plan.unmatched if u.unknown],
            "unmatched_rows": [asdict(u) for u in plan.unmatched],
            "skipped": [{"row": r, "reason": why} for r, why in plan.skipped],
        }
        if options["json"]:
            json.dump(summary, self.stdout, ensure_ascii=False)
            self.stdout.write("")
            return
        self.stdout.write(
            f"IDM {plan.year}: {plan.rows} baris, {plan.value_count} nilai "
            f"(baru {result.created}, berubah {result.updated}, tetap {result.unchanged}); "
            f"{len(plan.resolved)} kode lama dipadankan / old codes resolved; "
            f"{len(plan.unmatched)} baris tidak cocok dengan daftar wilayah / rows left out"
        )
        for row in plan.resolved:
            self.stdout.write(f"  baris {row.number}: {row.code} → {row.target} ({row.how})")
        if stored:
            self.stdout.write(f"  {stored} padanan nama disimpan / name matches stored")
        for u in plan.unmatched:
            self.stdout.write(
                f"  baris {u.row}: {u.code} {u.name} ({u.province}, {u.status}): {u.reason}"
            )
        for row_number, why in plan.skipped:
            self.stdout.write(f"  baris {row_number} dilewati / skipped: {why}")
