from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from planning.activities import Activity, Authority, load_activities
from planning.recommendations import recommend
from regions.models import Region
from tests.dashboard_fixtures import text_of
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    BETA,
    DELTA,
    GAMMA,
    camat_fixture,
    client_for,
    planned_fixture,
)


def test_the_largest_gap_comes_first_with_the_kegiatan_of_the_declared_mapping(
    planned: None,
) -> None:
    rec = recommend(desa=Region.objects.get(code=ALPHA), year=2024)
    # Alpha: (30 − 14) ÷ 100 × 200 = 32 children behind on stunting; ANC is met.
    assert [g.sector.code for g in rec.sectors] == ["gizi"]
    gap = rec.sectors[0]
    assert gap.people == pytest.approx(32.0)
    assert gap.gaps[0].figure.indicator.code == "G01"
    assert [a.kegiatan_code for a in gap.village] == ["2.2.02", "2.2.06"]
    assert [a.opd for a in gap.kabupaten] == ["dinkes"]


def test_beta_gets_health_because_its_gap_is_antenatal_care(planned: None) -> None:
    rec = recommend(desa=Region.objects.get(code=BETA), year=2024)
    assert [g.sector.code for g in rec.sectors] == ["kesehatan"]
    assert rec.sectors[0].people == pytest.approx(150.0)  # (100 − 25) ÷ 100 × 200
    assert "2.2.01" in [a.kegiatan_code for a in rec.sectors[0].village]


def test_a_desa_at_every_target_gets_no_recommendation(planned: None) -> None:
    rec = recommend(desa=Region.objects.get(code=GAMMA), year=2024)
    assert rec.has_data and rec.sectors == []


def test_a_changed_mapping_changes_the_recommendations(planned: None) -> None:
    Activity.objects.create(
        key="desa-3.4.03",
        sector="gizi",
        authority=Authority.DESA,
        kegiatan_code="3.4.03",
        name="Dukungan PKK untuk Posyandu",
        order=99,
    )
    rec = recommend(desa=Region.objects.get(code=ALPHA), year=2024)
    assert "3.4.03" in [a.kegiatan_code for a in rec.sectors[0].village]
    # Reloading the file keeps the local entry and changes nothing declared.
    result = load_activities()
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert Activity.objects.filter(key="desa-3.4.03").exists()


def test_an_activity_without_its_kegiatan_code_or_opd_is_refused(planned: None) -> None:
    with pytest.raises(ValidationError) as error:
        Activity(key="x", sector="gizi", authority=Authority.KABUPATEN, name="x").full_clean()
    assert "opd" in error.value.message_dict


def test_the_page_shows_gaps_kegiatan_and_the_opd(camat: Client) -> None:
    response = camat.get(f"/desa/{ALPHA}/rekomendasi/?periode=2024")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "Gizi dan stunting" in text
    assert "2.2.02 Penyelenggaraan Posyandu" in text
    assert "Dinas Kesehatan" in text
    assert "32 orang/RT belum terlayani" in text


def test_a_desa_without_indicators_gets_a_clear_message(camat: Client) -> None:
    response = camat.get(f"/desa/{DELTA}/rekomendasi/?periode=2024")
    assert "belum mempunyai data indikator" in response.content.decode()


def test_a_bad_year_falls_back_with_a_notice(camat: Client) -> None:
    response = camat.get(f"/desa/{ALPHA}/rekomendasi/?periode=zz")
    assert response.status_code == 200
    assert "tidak dikenali" in response.content.decode()


def test_it_is_404_outside_the_scope(planned: None) -> None:
    other = client_for("lain", "kecamatan", "91.01.01")
    Region.objects.create(code="91.01.02", level=3, kind="kecamatan", parent_id="91.01", name="X")
    Region.objects.create(
        code="91.01.02.2001", level=4, kind="desa", parent_id="91.01.02", name="Y"
    )
    assert other.get("/desa/91.01.02.2001/rekomendasi/").status_code == 404
