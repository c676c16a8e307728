"""The fixed cast of users for access tests: one per role in Kabupaten Sleman, an outsider.

Use it in a test module with `from tests.cast import cast_fixture  # noqa: F401`;
the fixture is called `cast`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import assigning
from accounts.models import ApiToken, Role

PASSWORD = "kata-sandi-uji-yang-panjang"

# role → (assigned region, a region inside the scope, a region outside it)
ROLE_REGIONS: dict[str, tuple[str | None, str, str]] = {
    Role.ADMIN: (None, "34.04.01.2001", "34.71.01"),  # nothing is outside; see OUT_OF_SCOPE
    Role.KABUPATEN: ("34.04", "34.04.02", "34.71.01"),
    Role.KECAMATAN: ("34.04.01", "34.04.01.2002", "34.04.02"),
    Role.DESA: ("34.04.01.2001", "34.04.01.2001", "34.04.01.2002"),
    Role.VIEWER: ("34.04.02", "34.04.02.2001", "34.04.01"),
    # A programme secretariat: assigned to the cohort PROGRAMME (no region), read-only.
    Role.PROGRAM: (None, "34.04.01.2001", "34.04.02"),
}
# The cohort of the programme secretariat: two Sleman kecamatan (not 34.04.02).
PROGRAMME = ("Program uji", ("34.04.01", "34.04.03"))
ROLES = ("anonymous", "outsider", *ROLE_REGIONS)


@dataclass
class Cast:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    cohort_id: int = 0  # the programme secretariat's cohort

    def in_scope(self, role: str) -> str | None:
        """A region inside the role's scope (None for the outsider and anonymous: none)."""
        return ROLE_REGIONS[role][1] if role in ROLE_REGIONS else None

    def out_of_scope(self, role: str) -> str | None:
        """A region outside the role's scope (None for the national admin: there is none)."""
        if role == Role.ADMIN:
            return None
        return ROLE_REGIONS[role][2] if role in ROLE_REGIONS else "34.04.01.2001"

    def client(self, role: str, **extra: Any) -> Client:
        """A client logged in as `role` (TOTP-verified for the admin); anonymous if so named."""
        client = Client(**extra)
        if role != "anonymous":
            login(client, self.users[role])
        return client


def login(client: Client, user: User) -> None:
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def make_user(username: str, **fields: Any) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **fields)
    return user


@pytest.fixture(name="cast")
def cast_fixture(diy_regions: None) -> Cast:
    result = Cast()
    from planning.cohorts import load_cohort

    for role, (region, _inside, _outside) in ROLE_REGIONS.items():
        user = make_user(role, email=f"{role}@example.go.id")
        cohort_id = None
        if role == Role.PROGRAM:
            cohort_id = load_cohort(PROGRAMME[0], PROGRAMME[1]).cohort.pk
            result.cohort_id = cohort_id
        assigning.grant(by=None, user=user, role=role, region_code=region, cohort_id=cohort_id)
        user.refresh_from_db()
        result.users[role] = user
        result.tokens[role] = ApiToken.issue(user=user, name="uji", days=30)[1]
    TOTPDevice.objects.create(user=result.users[Role.ADMIN], name="TOTP", confirmed=True)
    result.users["outsider"] = make_user("outsider")
    result.tokens["outsider"] = ApiToken.issue(user=result.users["outsider"], name="uji", days=30)[
        1
    ]
    return result
