"""Desa codes a later edition retired: no longer expected to report (completeness, coverage,
region sizes, the kabupaten's oversight), their stored values still in the roll-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import Role
from analytics.figures import Place, compute_figures, expected_desa, indicators_with_targets
from analytics.models import ElementRollup
from analytics.rollups import rebuild_rollups
from catalog.periods import parse_period
from datavalues.completeness import completeness
from datavalues.oversight import approvals_by_kecamatan, completeness_by_kecamatan
from regions.models import Level, Region, RegionSize
from regions.sizes import refresh_region_sizes
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.test_honest_periods import report
from tests.test_region_editions import EDITION_A, EDITION_B, edition_file, load

pytestmark = pytest.mark.usefixtures("catalogue")
KECAMATAN = "34.04.01"
EDITION = "Kepmendagri 100.1.1-6117/2022"


def desa_of(kecamatan: str) -> list[str]:
    return list(
        Region.objects.filter(level=Level.DESA, parent_id=kecamatan)
        .order_by("code")
        .values_list("code", flat=True)
    )


def retire(code: str) -> None:
    Region.objects.filter(code=code).update(retired_in=EDITION)


def test_a_retired_desa_is_not_expected_in_the_completeness_of_its_kecamatan(cast: Cast) -> None:
    desa = desa_of(KECAMATAN)
    retire(desa[-1])

    _sectors, rows, _due = completeness(kecamatan=Region.objects.get(code=KECAMATAN), period="2024")

    assert [row.desa.code for row in rows] == desa[:-1]


def test_a_retired_desa_is_not_expected_in_the_kabupaten_oversight_tables(cast: Cast) -> None:
    desa = desa_of(KECAMATAN)
    retire(desa[-1])
    kabupaten = Region.objects.get(code="34.04")

    _sectors, rows, _due = completeness_by_kecamatan(kabupaten=kabupaten, period="2024")
    approvals = approvals_by_kecamatan(kabupaten=kabupaten, period="2024")

    assert {r.kecamatan.code: r.desa for r in rows}[KECAMATAN] == len(desa) - 1
    assert {r.kecamatan.code: r.desa for r in approvals}[KECAMATAN] == len(desa) - 1


def test_the_kabupaten_report_counts_reporters_and_expected_among_current_desa(
    cast: Cast,
) -> None:
    from planning.kabupaten_report import kabupaten_report

    desa = desa_of(KECAMATAN)
    report(desa, 2024)  # the last desa reported before a later edition retired it
    retire(desa[-1])

    made = kabupaten_report(Region.objects.get(code="34.04"), 2024)

    current = Region.objects.current().filter(level=Level.DESA, code__startswith="34.04.")
    assert (made.reporting, made.desa) == (len(desa) - 1, current.count())


def test_region_sizes_count_only_current_desa_stored_or_counted_on_the_fly(cast: Cast) -> None:
    desa = desa_of(KECAMATAN)
    retire(desa[-1])
    place = Place.of(Region.objects.get(code=KECAMATAN))

    RegionSize.objects.all().delete()
    assert expected_desa([place])[KECAMATAN] == len(desa) - 1
    refresh_region_sizes()
    assert RegionSize.objects.get(region_code=KECAMATAN).desa == len(desa) - 1
    assert RegionSize.objects.get(region_code="ID").desa == (
        Region.objects.current().filter(level=Level.DESA).count()
    )


def test_the_kecamatan_page_does_not_count_a_retired_desa_among_the_expected(cast: Cast) -> None:
    desa = desa_of(KECAMATAN)
    report(desa[:-1], 2024)  # every desa but the last, which a later edition retired
    retire(desa[-1])
    refresh_region_sizes()

    html = cast.client(Role.KECAMATAN).get(f"/kecamatan/{KECAMATAN}/?periode=2024").content
    n = len(desa) - 1
    assert f"{n} dari {n} desa melapor" in html.decode()


def test_values_stored_on_a_retired_desa_stay_in_the_roll_ups_of_their_year(cast: Cast) -> None:
    desa = desa_of(KECAMATAN)
    report(desa, 2024)
    retire(desa[-1])

    rebuild_rollups(region=KECAMATAN)

    total = ElementRollup.objects.get(
        region_code=KECAMATAN, element__code="BUMIL_SASARAN", period__code="2024"
    )
    assert (total.total, total.reporting) == (100 * len(desa), len(desa))
    refresh_region_sizes()
    k01 = indicators_with_targets(["K01"])
    figure = compute_figures(
        indicators=k01,
        places=[Place.of(Region.objects.get(code=KECAMATAN))],
        period=parse_period("2024"),
    )[0]
    # The retired desa's values are in the sums; "N of M desa" never exceeds M.
    assert (figure.numerator, figure.reporting, figure.expected) == (
        90 * len(desa),
        len(desa) - 1,
        len(desa) - 1,
    )


@pytest.mark.django_db
def test_loadregions_refreshes_region_sizes_when_an_edition_retires_desa(tmp_path: Path) -> None:
    load(edition_file(tmp_path, "a", EDITION_A), "Edisi A")
    assert RegionSize.objects.get(region_code="34.04.01").desa == 2

    load(edition_file(tmp_path, "b", EDITION_B), "Edisi B")

    sizes = dict(RegionSize.objects.values_list("region_code", "desa"))
    assert (sizes["34.04.01"], sizes["34.04.02"], sizes["34.04.03"]) == (1, 4, 1)
    assert sizes["34.04"] == 6


def test_new_follow_ups_and_proposals_offer_only_current_desa(cast: Cast) -> None:
    from planning.forms import FollowUpForm, ProposalForm

    desa = desa_of(KECAMATAN)
    retire(desa[-1])
    kecamatan = Region.objects.get(code=KECAMATAN)

    for form in (FollowUpForm(kecamatan=kecamatan), ProposalForm(kecamatan=kecamatan)):
        field = form.fields["desa"]
        assert [r.code for r in field.queryset.order_by("code")] == desa[:-1]  # type: ignore[attr-defined]


def test_the_api_says_which_regions_a_later_edition_retired(cast: Cast) -> None:
    from django.test import Client

    desa = desa_of(KECAMATAN)
    retire(desa[-1])
    headers = {"Authorization": f"Bearer {cast.tokens['kecamatan']}"}
    body = Client().get(f"/api/v1/regions/{KECAMATAN}", headers=headers).json()
    retired = {c["code"]: c["retired_in"] for c in body["children"]}
    assert retired[desa[-1]] == EDITION and retired[desa[0]] == ""
    assert body["retired_in"] == ""
