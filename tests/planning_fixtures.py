"""Fixtures for the planning and report tests: kecamatan 91.01.01 with known 2024 figures.

Alpha has stunting far above the 14 % target (30 %) and a draft APBDes 2024 with nothing on
2.2.02 Posyandu; Beta is at target for stunting and short on antenatal care (K01); Gamma
meets both targets; Delta reports nothing. Use with
`from tests.planning_fixtures import planned_fixture, camat_fixture  # noqa: F401`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts import assigning
from datavalues.models import How
from datavalues.writing import ValueInput, save_values
from planning.activities import load_activities
from planning.models import BudgetLine, FundSource, Stage
from regions.models import Region
from regions.sizes import refresh_region_sizes
from tests.analytics_fixtures import make_regions

KECAMATAN = "91.01.01"
ALPHA, BETA, GAMMA, DELTA = (f"{KECAMATAN}.{2000 + i}" for i in range(1, 5))
NAMES = {ALPHA: "Alpha", BETA: "Beta", GAMMA: "Gamma", DELTA: "Delta"}

# (BALITA_STUNTING, BALITA_DIUKUR) in August 2024 and (BUMIL_ANC, BUMIL_SASARAN) for 2024.
STUNTING = {ALPHA: (60, 200), BETA: (10, 100), GAMMA: (5, 100)}
ANC = {ALPHA: (100, 100), BETA: (50, 200), GAMMA: (100, 100)}


def budget_line(desa: str, code: str, amount: int, stage: str = Stage.DRAFT) -> BudgetLine:
    return BudgetLine.objects.create(
        desa_id=desa,
        year=2024,
        stage=stage,
        kegiatan_code=code,
        name=f"kegiatan {code}",
        fund_source=FundSource.DD,
        budget_rp=amount,
        source="uji",
    )


@pytest.fixture(name="planned")
def planned_fixture(catalogue: None) -> None:
    load_activities()
    make_regions([[4]])
    for code, name in NAMES.items():
        Region.objects.filter(code=code).update(name=name)
    Region.objects.filter(code=KECAMATAN).update(name="Sukamaju")
    values = [
        ValueInput(desa, element, "2024-08", float(v), "uji")
        for desa, (stunted, measured) in STUNTING.items()
        for element, v in (("BALITA_STUNTING", stunted), ("BALITA_DIUKUR", measured))
    ] + [
        ValueInput(desa, element, "2024", float(v), "uji")
        for desa, (anc, target) in ANC.items()
        for element, v in (("BUMIL_ANC", anc), ("BUMIL_SASARAN", target))
    ]
    save_values(values=values, how=How.FORM, source="uji")
    refresh_region_sizes()
    # Alpha: a draft with roads and health posts but nothing on Posyandu (2.2.02).
    budget_line(ALPHA, "2.3.01", 800_000_000)
    budget_line(ALPHA, "2.2.01", 50_000_000)
    # Beta: 2.2.02 funded, 2.2.01 (antenatal care) too.
    budget_line(BETA, "2.2.02", 40_000_000)
    budget_line(BETA, "2.2.01", 60_000_000)
    budget_line(BETA, "2.3.01", 400_000_000)
    # Gamma: only the adopted APBDes, with an allocation to a sector already at target.
    budget_line(GAMMA, "2.2.02", 30_000_000, stage=Stage.FINAL)
    budget_line(GAMMA, "1.1.01", 270_000_000, stage=Stage.FINAL)


def client_for(username: str, role: str, region: str | None) -> Client:
    user = User.objects.create_user(username)
    assigning.grant(by=None, user=user, role=role, region_code=region)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(name="camat")
def camat_fixture(planned: None) -> Client:
    """The camat of 91.01.01 (a kecamatan role: may record evaluations and follow-ups)."""
    return client_for("camat", "kecamatan", KECAMATAN)
