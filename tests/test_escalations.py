from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from catalog.models import Indicator
from planning.escalations import escalations
from planning.followups import FollowUp, Status, create_follow_up
from regions.models import Region
from tests.dashboard_fixtures import text_of
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    BETA,
    GAMMA,
    KECAMATAN,
    camat_fixture,
    planned_fixture,
)


def escalate(desa: str, indicator: str, opd: str, action: str, **fields: object) -> FollowUp:
    return create_follow_up(
        by="camat",
        desa=Region.objects.get(code=desa),
        indicator=Indicator.objects.get(code=indicator),
        problem=f"masalah {desa}",
        action=action,
        owner="opd",
        opd=opd,
        due_date=timezone.localdate() + dt.timedelta(days=60),
        **fields,
    )


def test_escalations_are_grouped_by_opd_then_sector_with_evidence(planned: None) -> None:
    escalate(ALPHA, "G01", "dinkes", "Tenaga gizi Puskesmas")
    escalate(BETA, "K01", "dinkes", "Bidan tambahan")
    escalate(GAMMA, "P01", "disdik", "Guru PAUD")
    create_follow_up(  # village authority: not an escalation
        by="camat",
        desa=Region.objects.get(code=ALPHA),
        indicator=Indicator.objects.get(code="G01"),
        problem="x",
        action="PMT",
        owner="desa",
        due_date=timezone.localdate(),
    )
    dropped = escalate(BETA, "G01", "dinkes", "dibatalkan")
    FollowUp.objects.filter(pk=dropped.pk).update(status=Status.DROPPED)

    groups = escalations(kecamatan=Region.objects.get(code=KECAMATAN), year=2024)
    shape = [
        (g.opd, [(s.sector_code, [e.follow_up.desa_id for e in s.items]) for s in g.sectors])
        for g in groups
    ]
    assert shape == [
        ("dinkes", [("kesehatan", [BETA]), ("gizi", [ALPHA])]),
        ("disdik", [("pendidikan", [GAMMA])]),
    ]
    alpha = groups[0].sectors[1].items[0]
    assert alpha.figure is not None and alpha.figure.value == 30.0
    assert alpha.people == 32.0


def test_the_page_lists_them_and_the_csv_neutralises_user_text(camat: Client) -> None:
    escalate(ALPHA, "G01", "dinkes", '=HYPERLINK("http://x","y")')
    text = text_of(camat.get(f"/kecamatan/{KECAMATAN}/eskalasi/?periode=2024").content.decode())
    assert "Dinas Kesehatan" in text and "Alpha" in text and "30,0%" in text
    response = camat.get(f"/kecamatan/{KECAMATAN}/tabel/eskalasi.csv?periode=2024")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert "\n=" not in body and ",=" not in body
