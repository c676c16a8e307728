"""WHO 2006 z-scores against the published WHO Child Growth Standards tables.

Medians (M) and −2 SD values are those printed in the WHO tables (length/height-for-age,
weight-for-age and weight-for-length, boys and girls, z-score tables by month; the same
tables are the annex of Permenkes 2/2020). Printed SD values are rounded to 0.1, hence
the tolerance at −2 SD.
"""

from __future__ import annotations

import pytest

from sources import growth

# (male, age in days, kind, measurement, published median, published −2 SD)
PUBLISHED = [
    (True, 0, "haz", "height", 49.8842, 46.1),  # boys length-for-age, birth
    (False, 0, "haz", "height", 49.1477, 45.4),  # girls length-for-age, birth
    (True, 365, "haz", "height", 75.7488, 71.0),  # boys length-for-age, 12 months
    (False, 365, "haz", "height", 74.0151, 68.9),  # girls length-for-age, 12 months
    (False, 1826, "haz", "height", 109.4233, 99.9),  # girls height-for-age, 60 months
    # boys weight-for-age, birth: printed −2 SD 2.5 kg, from L 0.3487, M 3.3464, S 0.14602
    (True, 0, "waz", "weight", 3.3464, 2.4586),
    (False, 0, "waz", "weight", 3.2322, 2.4),  # girls weight-for-age, birth
    (True, 365, "waz", "weight", 9.6479, 7.7),  # boys weight-for-age, 12 months
    (False, 365, "waz", "weight", 8.9481, 7.0),  # girls weight-for-age, 12 months
]


def _score(male: bool, age: int, kind: str, what: str, value: float) -> float:
    weight = value if what == "weight" else None
    height = value if what == "height" else None
    result = getattr(
        growth.scores(male=male, age_days=age, weight_kg=weight, height_cm=height), kind
    )
    assert result is not None
    return float(result)


@pytest.mark.parametrize(("male", "age", "kind", "what", "median", "minus2"), PUBLISHED)
def test_the_published_median_scores_zero_and_the_published_minus_two_sd_scores_minus_two(
    male: bool, age: int, kind: str, what: str, median: float, minus2: float
) -> None:
    assert _score(male, age, kind, what, median) == pytest.approx(0, abs=0.02)
    assert _score(male, age, kind, what, minus2) == pytest.approx(-2, abs=0.1)


def test_weight_for_length_at_the_published_median_scores_zero() -> None:
    # WHO weight-for-length, boys 45.0 cm: M = 2.441 kg; girls 45.0 cm: M = 2.4607 kg.
    boy = growth.scores(male=True, age_days=0, weight_kg=2.441, height_cm=45.0)
    girl = growth.scores(male=False, age_days=0, weight_kg=2.4607, height_cm=45.0)
    assert boy.whz == pytest.approx(0, abs=0.01) and girl.whz == pytest.approx(0, abs=0.01)


def test_a_child_over_two_measured_lying_is_corrected_by_seven_millimetres() -> None:
    standing = growth.scores(male=True, age_days=900, weight_kg=None, height_cm=88.0, standing=True)
    lying = growth.scores(male=True, age_days=900, weight_kg=None, height_cm=88.7, standing=False)
    assert standing.haz is not None and lying.haz == pytest.approx(standing.haz, abs=1e-6)


def test_a_biologically_implausible_score_is_left_out_and_named() -> None:
    result = growth.scores(male=True, age_days=365, weight_kg=9.6, height_cm=45.0)
    assert result.haz is None and "z_lhfa" in result.implausible


def test_an_age_over_sixty_months_is_outside_the_standard() -> None:
    with pytest.raises(ValueError, match="0–60 month"):
        growth.scores(male=True, age_days=1900, weight_kg=18.0, height_cm=110.0)
