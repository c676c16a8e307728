from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from planning.demo import already_seeded, seed_cohort, seed_planning
from regions.demo import add_sample_arguments, sample_scope


class Command(BaseCommand):
    help = (
        "Mengisi tindak lanjut, persetujuan, evaluasi APBDes dan usulan Musrenbang contoh di "
        "beberapa kecamatan satu kabupaten. / Fills sample follow-ups, approvals, APBDes "
        "evaluations and Musrenbang proposals (marked contoh) in several kecamatan, and a "
        "sample programme cohort of its kecamatan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_sample_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        scope = sample_scope(options)
        if already_seeded(scope.kabupaten):
            self.stdout.write(f"Data perencanaan contoh sudah ada di {scope.kabupaten}.")
        else:
            seeded = seed_planning(scope.kabupaten, seed=scope.seed)
            self.stdout.write(
                f"Perencanaan contoh di {seeded.kecamatan} kecamatan {scope.kabupaten}: "
                f"{seeded.follow_ups} tindak lanjut, {seeded.proposals} usulan, "
                f"{seeded.evaluations} evaluasi APBDes, {seeded.approvals} persetujuan."
            )
        cohort = seed_cohort(scope.kabupaten)
        if cohort is None:
            self.stdout.write("Program contoh sudah ada. / The sample programme exists.")
        else:
            self.stdout.write(
                f"Program contoh {cohort.name!r} (/program/{cohort.pk}/): "
                f"{cohort.members.count()} kecamatan {scope.kabupaten}."
            )
