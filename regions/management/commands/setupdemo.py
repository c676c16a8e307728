from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from regions.models import Boundary, Region

DEMO_PROVINCE = "34"  # DI Yogyakarta: public desa boundaries exist for it


class Command(BaseCommand):
    help = (
        "Menyiapkan demo sekali saja: wilayah seluruh Indonesia dan batas wilayah contoh. "
        "Prepares the demo once: regions and, where available, sample boundaries."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Region.objects.exists():
            self.stdout.write("Memuat wilayah seluruh Indonesia (sekali saja)…")
            call_command("loadregions", stdout=self.stdout)
        else:
            self.stdout.write(f"Wilayah sudah dimuat ({Region.objects.count():,}).")
        real_data = os.environ.get("DASHKEC_REAL_DATA")
        if (
            real_data
            and not Boundary.objects.filter(region__code__startswith=DEMO_PROVINCE).exists()
        ):
            for name in ("34_diy_kecamatan.geojson", "34_diy_desa_kelurahan.geojson"):
                path = Path(real_data) / "boundaries" / name
                if path.exists():
                    call_command("importboundaries", str(path), stdout=self.stdout)
        # The catalogue load is idempotent; sample values only into an empty database.
        call_command("loadcatalog", stdout=self.stdout)
        call_command("loadactivities", stdout=self.stdout)
        from datavalues.models import DataValue

        if not DataValue.objects.exists():
            call_command("seeddemo", stdout=self.stdout)
        from planning.models import BudgetLine

        if not BudgetLine.objects.exists():
            call_command("seeddemobudget", stdout=self.stdout)
        # Follow-ups, approvals, evaluations and proposals (marked contoh); skips itself
        # when they exist.
        call_command("seeddemoplanning", stdout=self.stdout)
        from accounts.management.commands.demousers import demo_users_exist

        if not demo_users_exist():
            call_command("demousers", stdout=self.stdout)
