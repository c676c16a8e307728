"""Outlier warnings against the other villages of the same kecamatan (validation rules)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datavalues.validation import WARNING, Candidate, check_batch, neighbour_outliers, rules
from datavalues.writing import ValueInput, save_values

pytestmark = pytest.mark.django_db

# Kecamatan Wates (Kulon Progo): one kelurahan and seven desa.
KELURAHAN = "34.01.02.1008"
DESA = [f"34.01.02.200{i}" for i in range(1, 8)]


@pytest.fixture
def setup(diy_regions: None, catalogue: None) -> None:
    """DIY regions and the catalogue."""


def store(rows: list[tuple[str, str, float]], period: str = "2024") -> None:
    save_values(
        values=[ValueInput(region, element, period, value) for region, element, value in rows],
        how="form",
    )


def coverage(regions: list[str], served: list[float]) -> None:
    """BUMIL_ANC out of 100 pregnant women in each village: ratios 0.80 … 1.00."""
    store([(r, "BUMIL_SASARAN", 100) for r in regions])
    store([(r, "BUMIL_ANC", s) for r, s in zip(regions, served, strict=True)])


def warnings_for(*candidates: Candidate) -> list[str]:
    return [f.message for f in check_batch(candidates) if "desa tetangga" in f.message]


def test_a_ratio_just_beyond_the_limit_is_warned_and_one_just_inside_is_not(setup: None) -> None:
    # Neighbours' ratios 0.80 0.85 0.90 0.95 1.00: median 0.90, 1.4826·MAD = 0.0741,
    # so the limit is 5 × 0.0741 = 0.371 from the median.
    coverage(DESA[:5], [80, 85, 90, 95, 100])
    store([(DESA[5], "BUMIL_SASARAN", 100)])
    assert warnings_for(Candidate("r", DESA[5], "BUMIL_ANC", "2024", 53)) == []
    [message] = warnings_for(Candidate("r", DESA[5], "BUMIL_ANC", "2024", 52))
    assert "nilai 52 (BUMIL_ANC/BUMIL_SASARAN 0.52)" in message
    assert "dibanding desa tetangga (median 0.9 dari 5 desa/kelurahan)" in message
    assert "(median 0.9 dari 5 desa/kelurahan)" in message
    finding = next(f for f in check_batch([Candidate("r", DESA[5], "BUMIL_ANC", "2024", 52)]))
    assert finding.severity == WARNING and finding.key == "r"


def test_a_large_desa_with_the_same_share_is_not_warned(setup: None) -> None:
    coverage(DESA[:5], [80, 85, 90, 95, 100])
    # Ten times the size of its neighbours, the same 90 %: counts differ, the ratio does not.
    store([(DESA[5], "BUMIL_SASARAN", 1000)])
    assert warnings_for(Candidate("r", DESA[5], "BUMIL_ANC", "2024", 900)) == []


def test_with_fewer_than_five_neighbours_nothing_is_said(setup: None) -> None:
    coverage(DESA[:4], [80, 85, 90, 95])
    store([(DESA[5], "BUMIL_SASARAN", 100)])
    assert rules().neighbours.min_neighbours == 5
    assert warnings_for(Candidate("r", DESA[5], "BUMIL_ANC", "2024", 5)) == []
    # A neighbour without a denominator has no ratio and does not count either.
    store([(DESA[4], "BUMIL_ANC", 90)])
    assert warnings_for(Candidate("r", DESA[5], "BUMIL_ANC", "2024", 5)) == []


def test_a_kelurahan_counts_as_a_neighbour_and_is_compared_with_the_desa(setup: None) -> None:
    coverage(DESA[:4], [80, 85, 95, 100])
    store([(KELURAHAN, "BUMIL_SASARAN", 100), (DESA[6], "BUMIL_SASARAN", 100)])
    assert warnings_for(Candidate("d", DESA[6], "BUMIL_ANC", "2024", 20)) == []  # four
    store([(KELURAHAN, "BUMIL_ANC", 90)])
    assert warnings_for(Candidate("d", DESA[6], "BUMIL_ANC", "2024", 20))  # the fifth
    store([(DESA[4], "BUMIL_SASARAN", 100), (DESA[4], "BUMIL_ANC", 90)])
    assert warnings_for(Candidate("k", KELURAHAN, "BUMIL_ANC", "2024", 20))


def test_neighbours_in_the_same_batch_count_and_win_over_stored_values(setup: None) -> None:
    # Stored: every neighbour at 10 %. The batch corrects them to 80–100 %, so the sixth
    # desa at 10 % is now the odd one out, and only it is warned.
    coverage(DESA[:6], [10, 10, 10, 10, 10, 10])
    batch = [
        Candidate(i, r, "BUMIL_ANC", "2024", v)
        for i, (r, v) in enumerate(zip(DESA[:5], [80, 85, 90, 95, 100], strict=True))
    ] + [Candidate("odd", DESA[5], "BUMIL_ANC", "2024", 10)]
    findings = [f for f in check_batch(batch) if "desa tetangga" in f.message]
    assert [f.key for f in findings] == ["odd"]


def test_a_denominator_alone_in_the_batch_is_judged_through_the_stored_numerator(
    setup: None,
) -> None:
    coverage(DESA[:5], [80, 85, 90, 95, 100])
    store([(DESA[5], "BUMIL_ANC", 90)])
    # 90 served out of 1,000 (a zero too many in the sasaran): 9 %.
    [message] = warnings_for(Candidate("s", DESA[5], "BUMIL_SASARAN", "2024", 1000))
    assert "nilai 1000 (BUMIL_ANC/BUMIL_SASARAN 0.09)" in message


def test_size_free_scores_are_compared_as_they_are_and_yes_no_is_never(setup: None) -> None:
    store(
        [(r, "IDM_SKOR", s) for r, s in zip(DESA[:5], [0.70, 0.72, 0.74, 0.76, 0.78], strict=True)]
    )
    store([(r, "DESA_ODF", 1) for r in DESA[:5]])
    [message] = warnings_for(Candidate("i", DESA[5], "IDM_SKOR", "2024", 0.07))
    assert "nilai 0.07 (0.07)" in message and "median 0.74" in message
    assert warnings_for(Candidate("i", DESA[5], "IDM_SKOR", "2024", 0.75)) == []
    assert warnings_for(Candidate("o", DESA[5], "DESA_ODF", "2024", 0)) == []


def test_a_uniform_kecamatan_still_tolerates_a_few_percent(setup: None) -> None:
    # Every neighbour at exactly 100 %: MAD 0, the floor is 5 % of the median × 5 = 25 points.
    coverage(DESA[:5], [100, 100, 100, 100, 100])
    store([(DESA[5], "BUMIL_SASARAN", 100)])
    assert warnings_for(Candidate("r", DESA[5], "BUMIL_ANC", "2024", 76)) == []
    assert warnings_for(Candidate("r", DESA[5], "BUMIL_ANC", "2024", 74))


def test_the_check_costs_the_same_few_queries_for_one_row_or_a_whole_kabupaten(
    setup: None,
) -> None:
    coverage(DESA[:5], [80, 85, 90, 95, 100])
    one = [Candidate(0, DESA[5], "BUMIL_ANC", "2024", 50)]
    many = [
        Candidate((code, element), code, element, "2024", value)
        for n in range(1, 13)  # twelve kecamatan of Kulon Progo
        for d in range(1, 9)
        for element, value in (("BUMIL_SASARAN", 100), ("BUMIL_ANC", 90), ("IDM_SKOR", 0.7))
        if (code := f"34.01.{n:02d}.200{d}")
    ]
    with CaptureQueriesContext(connection) as small:
        neighbour_outliers(one, rules().neighbours)
    with CaptureQueriesContext(connection) as large:
        neighbour_outliers(many, rules().neighbours)
    assert len(small) == len(large) == 2
