from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planning.cohorts import BadCohort, load_cohort


class Command(BaseCommand):
    help = (
        "Memuat kohort program: NAMA dan berkas kode kecamatan (satu per baris). / "
        "Loads a programme cohort: NAME and a file of kecamatan codes (one per line)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Berkas tidak dapat dibaca / cannot read {path}: {error}") from None
        try:
            loaded = load_cohort(options["name"], text.splitlines())
        except BadCohort as error:
            raise CommandError(str(error)) from None
        verb = "dibuat" if loaded.created else "diperbarui"
        self.stdout.write(f"Program {loaded.cohort.name} {verb}: {loaded.members} kecamatan.")
