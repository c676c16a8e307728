"""`manage.py importsource KIND FILE [--desa CODE] [--kecamatan CODE] [--period YYYY]
[--dry-run] [--json] [--accept-warnings]`: another system's export, as counts per desa."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.audit import file_sha256, record_command_import
from config.language import both_languages
from planning.models import Stage
from sources.adapters import ADAPTERS
from sources.aggregate import Options
from sources.pipeline import (
    BadFile,
    Fate,
    ImportRefused,
    SourcePlan,
    commit,
    commit_budget,
    plan_budget,
    plan_source,
    read_budget,
    read_source,
)


class Command(BaseCommand):
    help = (
        "Impor ekspor sistem lain (e-PPGBM, OpenSID, …) sebagai jumlah per desa, semua atau "
        "tidak sama sekali. Data pribadi hanya dijumlahkan di memori, tidak disimpan."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(ADAPTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--desa", default="", help="kode desa bila berkas tidak menyebutnya")
        parser.add_argument("--kecamatan", default="", help="kode kecamatan untuk cocok nama desa")
        parser.add_argument("--period", default="", help="tahun data bila berkas tanpa tanggal")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tulis apa pun")
        parser.add_argument("--json", action="store_true", help="ringkasan sebagai JSON")
        parser.add_argument("--accept-warnings", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        kind: str = options["kind"]
        if not path.is_file():
            raise CommandError(f"Berkas tidak ada / no such file: {path}")
        size = path.stat().st_size
        sha256 = file_sha256(path)
        if ADAPTERS[kind].target == "apbdes":
            self._budget(path, size, sha256, options)
            return
        settings = Options(
            desa=options["desa"],
            kecamatan=options["kecamatan"],
            period=options["period"],
            today=timezone.localdate(),
        )
        with path.open("rb") as stream:
            try:
                aggregate = read_source(kind, stream, size=size, options=settings)
            except BadFile as exc:
                self._finish(None, both_languages(exc), options)
                raise CommandError(both_languages(exc)) from None
        planned = plan_source(
            aggregate, kecamatan=options["kecamatan"], stage=not options["dry_run"]
        )
        plan = planned.plan
        if plan.errors or options["dry_run"]:
            self._finish(planned, "", options)
            if plan.errors:
                raise CommandError(
                    f"{len(plan.errors)} galat: tidak ada yang disimpan / nothing written"
                )
            return
        self.stderr.write(
            f"Menyimpan {plan.values} nilai dalam satu transaksi … / writing {plan.values} values"
        )

        def audit(upload: object) -> None:
            record_command_import(
                command=f"importsource {kind}",
                path=path,
                sha256=sha256,
                counts={
                    "baris_sumber": aggregate.rows,
                    "baris": plan.rows,
                    "baru": plan.saved[Fate.NEW],
                    "berubah": plan.saved[Fate.CHANGED],
                    "tetap": plan.saved[Fate.UNCHANGED],
                    "peringatan": len(plan.warnings),
                },
                region_code=options["desa"] or options["kecamatan"],
            )

        try:
            _upload, written = commit(
                planned,
                file_name=path.name,
                sha256=sha256,
                size=size,
                accept_warnings=options["accept_warnings"],
                audit=audit,
            )
        except ImportRefused as exc:
            self._finish(planned, "", options)
            raise CommandError(f"{exc}: tidak ada yang disimpan / nothing written") from None
        self._finish(planned, f"{written} nilai disimpan / values written", options)

    def _budget(self, path: Path, size: int, sha256: str, options: dict[str, Any]) -> None:
        """Siskeudes: the RAB detail summed into APBDes lines, checked and written like an
        `importapbdes` file."""
        with path.open("rb") as stream:
            try:
                budget = read_budget(
                    stream, size=size, desa=options["desa"], year=options["period"]
                )
            except BadFile as exc:
                self._finish(None, both_languages(exc), options)
                raise CommandError(both_languages(exc)) from None
        plan = plan_budget(budget)
        if not plan.problems and not options["dry_run"]:

            def audit() -> None:
                record_command_import(
                    command=f"importsource {options['kind']}",
                    path=path,
                    sha256=sha256,
                    counts={
                        "baris_sumber": budget.rows,
                        "baris": plan.rows,
                        "baru": plan.created,
                        "berubah": plan.updated,
                        "tetap": plan.unchanged,
                    },
                    region_code=options["desa"],
                )

            commit_budget(plan, stage=Stage.FINAL, audit=audit)
        summary = {
            "kind": options["kind"],
            "source_rows": budget.rows,
            "rows": plan.rows,
            "lines": len(plan.lines),
            "counts": {"baru": plan.created, "berubah": plan.updated, "tetap": plan.unchanged},
            "dry_run": options["dry_run"],
            "notes": budget.notes,
            "problems": [
                {"row": p.row, "column": p.column, "message": both_languages(p.message)}
                for p in plan.problems
            ],
        }
        if options["json"]:
            json.dump(summary, self.stdout, ensure_ascii=False, indent=1)
            self.stdout.write("")
        else:
            self.stdout.write(
                f"{options['kind']}: {budget.rows} baris sumber → {len(plan.lines)} baris APBDes: "
                f"baru {plan.created}, berubah {plan.updated}, tetap {plan.unchanged}"
            )
            for note in budget.notes:
                self.stdout.write(f"  catatan / note: {note}")
            for p in plan.problems[:200]:
                self.stdout.write(f"baris {p.row} kolom {p.column}: {both_languages(p.message)}")
        if plan.problems:
            raise CommandError(
                f"{len(plan.problems)} galat: tidak ada yang disimpan / nothing written"
            )

    def _finish(self, planned: SourcePlan | None, message: str, options: dict[str, Any]) -> None:
        if options["json"]:
            summary: dict[str, Any] = {"kind": options["kind"], "message": message}
            if planned is not None:
                plan = planned.plan
                summary.update(
                    source_rows=planned.aggregate.rows,
                    rows=plan.rows,
                    counts=plan.counts,
                    dry_run=options["dry_run"],
                    notes=planned.aggregate.notes,
                    problems=[
                        {
                            "row": p.row,
                            "column": p.column,
                            "severity": p.severity,
                            "message": both_languages(p.message),
                        }
                        for p in plan.problems
                    ],
                )
            json.dump(summary, self.stdout, ensure_ascii=False, indent=1)
            self.stdout.write("")
            return
        if planned is not None:
            plan = planned.plan
            self.stdout.write(
                f"{options['kind']}: {planned.aggregate.rows} baris sumber → {plan.rows} baris "
                "nilai: " + ", ".join(f"{k} {v}" for k, v in plan.counts.items())
            )
            for note in planned.aggregate.notes:
                self.stdout.write(f"  catatan / note: {note}")
            for p in plan.problems[:200]:
                self.stdout.write(
                    f"baris {p.row} kolom {p.column} [{p.severity}]: {both_languages(p.message)}"
                )
            if len(plan.problems) > 200:
                self.stdout.write(f"… dan {len(plan.problems) - 200} lagi / and more (--json)")
        if message:
            self.stdout.write(message)
