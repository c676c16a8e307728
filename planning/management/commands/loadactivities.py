from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from planning.activities import load_activities


class Command(BaseCommand):
    help = (
        "Memuat pemetaan kegiatan → sektor/kewenangan dari planning/activities.yaml. / "
        "Loads the kegiatan → sector/authority mapping from planning/activities.yaml."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_activities()
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            f"Kegiatan: {result.created} baru, {result.updated} diubah, {result.removed} dihapus"
        )
