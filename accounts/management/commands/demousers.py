from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import assigning
from accounts.models import Role
from regions.models import Region

# One user per role in the demo kabupaten Sleman (34.04).
DEMO_USERS: list[tuple[str, str, str | None]] = [
    ("demo-admin", Role.ADMIN, None),
    ("demo-kabupaten", Role.KABUPATEN, "34.04"),
    ("demo-kecamatan", Role.KECAMATAN, "34.04.01"),
    ("demo-desa", Role.DESA, "34.04.01.2001"),
    ("demo-viewer", Role.VIEWER, "34.04.01"),
]


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
        for username, role, code in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                lines.append(f"  {username:<16} (sudah ada / exists)")
                continue
            user, password = assigning.create_user(username)
            assigning.grant(by=None, user=user, role=role, region_code=code)
            lines.append(f"  {username:<16} {password}   {role} {code or 'nasional'}")
        self.stdout.write("Pengguna demo (kata sandi hanya ditampilkan sekali / shown once):")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(
            "demo-admin memasang TOTP saat masuk pertama / sets up TOTP at first login."
        )
