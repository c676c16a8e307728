"""`manage.py importapbdes FILE [--year YYYY] [--stage final|draft] [--dry-run] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.audit import file_sha256, record_command_import
from intake.apbdes import plan_apbdes, write_apbdes
from intake.parsing import BadFile
from planning.models import Stage


class Command(BaseCommand):
    help = "Impor baris APBDes (ekspor gaya Siskeudes), semua atau tidak sama sekali."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--stage", choices=[s.value for s in Stage], default=Stage.FINAL)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {path}")
        with path.open("rb") as stream:
            try:
                plan = plan_apbdes(
                    stream, size=path.stat().st_size, year=options["year"], stage=options["stage"]
                )
            except BadFile as exc:
                raise CommandError(str(exc)) from None
        if not plan.problems and not options["dry_run"]:
            with transaction.atomic():  # the lines and their audit event, or neither
                write_apbdes(plan, stage=options["stage"])
                record_command_import(
                    command="importapbdes",
                    path=path,
                    sha256=file_sha256(path),
                    counts={
                        "baris": plan.rows,
                        "baru": plan.created,
                        "berubah": plan.updated,
                        "tetap": plan.unchanged,
                    },
                    region_code=plan.region_code(),
                )
        summary = {
            "rows": plan.rows,
            "lines": len(plan.lines),
            "created": plan.created,
            "updated": plan.updated,
            "unchanged": plan.unchanged,
            "sectors": plan.sectors(),
            "old_codes": [
                {"row": row, "old_code": old, "code": new}
                for row, (old, new) in sorted(plan.old_codes.items())
            ],
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message} for p in plan.problems
            ],
        }
        if options["json"]:
            json.dump(summary, self.stdout, ensure_ascii=False)
            self.stdout.write("")
        else:
            self.stdout.write(
                f"{plan.rows} baris: baru {plan.created}, berubah {plan.updated}, "
                f"tetap {plan.unchanged}"
            )
            for row, (old, new) in sorted(plan.old_codes.items()):
                self.stdout.write(f"baris {row}: kode lama {old} → {new}")
            for p in plan.problems[:200]:
                self.stdout.write(f"baris {p.row} kolom {p.column}: {p.message}")
        if plan.problems:
            raise CommandError(
                f"{len(plan.problems)} galat: tidak ada yang disimpan / nothing written"
            )
