from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AuditEvent
from planning.evaluation import ApbdesEvaluation, evaluate
from regions.models import Region
from tests.dashboard_fixtures import text_of
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    BETA,
    DELTA,
    GAMMA,
    KECAMATAN,
    camat_fixture,
    client_for,
    planned_fixture,
)


def url(desa: str, query: str = "?periode=2024&tahun=2024") -> str:
    return f"/desa/{desa}/evaluasi-apbdes/{query}"


def test_stunting_above_target_and_nothing_on_2_2_02_is_flagged(planned: None) -> None:
    ev = evaluate(desa=Region.objects.get(code=ALPHA), year=2024)
    assert ev.stage == "draft"
    assert [r.sector.code for r in ev.flags] == ["gizi"]
    assert [a.kegiatan_code for a in ev.flags[0].unfunded] == ["2.2.02", "2.2.06"]
    # Basic services: only 2.2.01 (Rp 50 jt) of Rp 850 jt.
    assert ev.basic_share == pytest.approx(50 / 850 * 100)


def test_a_funded_gap_is_not_flagged(planned: None) -> None:
    ev = evaluate(desa=Region.objects.get(code=BETA), year=2024)
    assert ev.flags == []
    health = next(r for r in ev.rows if r.sector.code == "kesehatan")
    assert health.gap is not None and health.budget_rp == 60_000_000


def test_an_allocation_to_a_sector_at_target_is_shown_and_the_adopted_budget_used(
    planned: None,
) -> None:
    ev = evaluate(desa=Region.objects.get(code=GAMMA), year=2024)
    assert ev.stage == "final"
    nutrition = next(r for r in ev.rows if r.sector.code == "gizi")
    assert nutrition.at_target and nutrition.budget_rp == 30_000_000


def test_the_page_names_the_flag_and_the_camat_records_the_result(camat: Client) -> None:
    text = text_of(camat.get(url(ALPHA)).content.decode())
    assert "Gizi dan stunting" in text and "tanpa alokasi" in text and "2.2.02" in text
    response = camat.post(url(ALPHA), {"result": "perbaiki", "notes": "Anggarkan PMT"})
    assert response.status_code == 302
    record = ApbdesEvaluation.objects.get()
    assert (record.desa_id, record.year, record.result) == (ALPHA, 2024, "perbaiki")
    assert AuditEvent.objects.filter(region_code=ALPHA, summary__startswith="evaluasi").exists()
    assert "perlu perbaikan" in camat.get(url(ALPHA)).content.decode()


def test_a_result_outside_the_choices_saves_nothing(camat: Client) -> None:
    response = camat.post(url(ALPHA), {"result": "bagus"})
    assert response.status_code == 200
    assert not ApbdesEvaluation.objects.exists()


def test_a_year_without_budget_data_says_so(camat: Client) -> None:
    html = camat.get(url(ALPHA, "?periode=2024&tahun=2030")).content.decode()
    assert "Belum ada data APBDes" in html


def test_by_default_next_years_draft_is_set_against_this_years_data(camat: Client) -> None:
    html = camat.get(url(ALPHA, "?periode=2023")).content.decode()
    assert "Evaluasi rancangan APBDes 2024" in html


def test_a_reader_cannot_record_and_outsiders_get_404(planned: None) -> None:
    reader = client_for("pembaca", "viewer", KECAMATAN)
    assert reader.get(url(ALPHA)).status_code == 200
    assert reader.post(url(ALPHA), {"result": "sesuai"}).status_code == 404
    desa = client_for("operator", "desa", BETA)
    assert desa.get(url(ALPHA)).status_code == 404
    assert not ApbdesEvaluation.objects.exists()


def test_a_desa_without_indicators_is_told_so(camat: Client) -> None:
    from tests.planning_fixtures import budget_line

    budget_line(DELTA, "2.2.01", 1_000_000)
    html = camat.get(url(DELTA)).content.decode()
    assert "belum mempunyai data indikator" in html
