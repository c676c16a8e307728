from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import assigning
from accounts.models import Assignment, Role
from regions.models import Region

# One user per role in the demo kabupaten Sleman (34.04).
DEMO_USERS: list[tuple[str, str, str | None]] = [
    ("demo-admin", Role.ADMIN, None),
    ("demo-kabupaten", Role.KABUPATEN, "34.04"),
    ("demo-kecamatan", Role.KECAMATAN, "34.04.01"),
    ("demo-desa", Role.DESA, "34.04.01.2001"),
    ("demo-viewer", Role.VIEWER, "34.04.01"),
    # The secretariat of the sample programme (seeddemoplanning), when it exists.
    ("demo-program", Role.PROGRAM, None),
]


def _sample_programme() -> int | None:
    """The id of the sample programme cohort (read through the assignment's foreign key:
    accounts imports nothing from planning)."""
    cohorts = Assignment._meta.get_field("cohort").related_model._default_manager  # type: ignore[union-attr]
    pk = cohorts.filter(sample=True).order_by("pk").values_list("pk", flat=True).first()
    return int(pk) if pk is not None else None


def demo_users_exist() -> bool:
    return get_user_model().objects.filter(username__in=[u for u, _, _ in DEMO_USERS]).exists()


class Command(BaseCommand):
    help = (
        "Membuat satu pengguna demo per peran di Kabupaten Sleman; kata sandi acak dicetak "
        "sekali. Creates one demo user per role; random passwords are printed once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [c for _, _, c in DEMO_USERS if c and not Region.objects.filter(code=c).exists()]
        if missing:
            raise CommandError(f"Regions not loaded: {', '.join(missing)} (run loadregions).")
        User = get_user_model()
        lines = []
        programme = _sample_programme()
        for username, role, code in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                lines.append(f"  {username:<16} (sudah ada / exists)")
                continue
            if role == Role.PROGRAM and programme is None:
                continue  # no sample programme to assign
            user, password = assigning.create_user(username)
            cohort_id = programme if role == Role.PROGRAM else None
            assigning.grant(by=None, user=user, role=role, region_code=code, cohort_id=cohort_id)
            where = f"kohort {cohort_id}" if cohort_id else code or "nasional"
            lines.append(f"  {username:<16} {password}   {role} {where}")
        self.stdout.write("Pengguna demo (kata sandi hanya ditampilkan sekali / shown once):")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(
            "demo-admin memasang TOTP saat masuk pertama / sets up TOTP at first login."
        )
