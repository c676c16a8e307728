"""The population profile of a desa: read from the PDDK_{L,P}_<group> values, drawn as a
pyramid, target populations derived from it and denominators that disagree flagged."""

from __future__ import annotations

import re

import pytest

from datavalues.models import DataValue
from datavalues.writing import ValueInput, save_values
from facilities import population as pop
from tests.cast import Cast, cast_fixture  # noqa: F401

DESA = "34.04.01.2001"


def store_profile(year: int, male: dict[str, float], female: dict[str, float]) -> None:
    values = [ValueInput(DESA, f"PDDK_L_{g}", str(year), v) for g, v in male.items()]
    values += [ValueInput(DESA, f"PDDK_P_{g}", str(year), v) for g, v in female.items()]
    save_values(values=values, how="file", source="OpenSID")


@pytest.mark.usefixtures("catalogue", "diy_regions")
def test_the_profile_is_read_from_the_values_of_the_latest_year() -> None:
    store_profile(2024, {"0_4": 10}, {"0_4": 9})
    store_profile(2025, {"0_4": 50, "5_9": 40, "75_PLUS": 3}, {"0_4": 45, "10_14": 30})
    reading = pop.read(DESA)
    assert reading.years == [2025, 2024]
    assert reading.profile is not None
    profile = reading.profile
    assert profile.year == 2025
    assert (profile.male, profile.female, profile.total) == (93, 75, 168)
    assert profile.groups[0].label == "0–4" and profile.groups[-1].label == "75+"
    assert pop.read(DESA, 2024).profile.total == 19  # type: ignore[union-attr]
    # The profile is not stored a second time.
    assert not DataValue.objects.exclude(element__code__startswith="PDDK_").exists()


@pytest.mark.usefixtures("catalogue", "diy_regions")
def test_targets_derive_from_age_groups_and_a_denominator_far_off_is_flagged() -> None:
    store_profile(2025, {"0_4": 60, "5_9": 50, "10_14": 40, "15_19": 30}, {"0_4": 40, "5_9": 50})
    save_values(
        values=[
            ValueInput(DESA, "BALITA_SASARAN", "2025", 150),  # profile: 100, 50 % off
            ValueInput(DESA, "PDDK_7_15", "2025", 110),  # profile: 0.6·100 + 40 + 0.2·30 = 106
        ],
        how="form",
    )
    reading = pop.read(DESA)
    targets = {t.code: t for t in reading.targets}
    assert targets["BALITA_SASARAN"].derived == 100
    assert targets["PDDK_5_6"].derived == pytest.approx(40)
    assert targets["PDDK_7_15"].derived == pytest.approx(106)
    assert targets["PDDK_7_18"].derived == pytest.approx(124)
    assert [t.code for t in reading.disagreements] == ["BALITA_SASARAN"]


@pytest.mark.usefixtures("catalogue")
def test_the_desa_page_draws_a_pyramid_with_readable_text_and_warns(cast: Cast) -> None:
    store_profile(2025, {"0_4": 60, "20_24": 30}, {"0_4": 40, "20_24": 35})
    save_values(values=[ValueInput(DESA, "BALITA_SASARAN", "2025", 200)], how="form")
    html = cast.client("desa").get(f"/desa/{DESA}/").content.decode()
    section = html[html.index('id="h-penduduk"') :]
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'viewBox="0 0 360 ' in svg  # drawn 360 wide: a unit is a pixel on a phone
    sizes = {int(s) for s in re.findall(r'font-size="(\d+)"', svg)}
    assert sizes and min(sizes) >= 12
    assert len(re.findall(r'<rect class="pyr-(?:male|female)"', svg)) == 2 * len(pop.GROUPS)
    assert "0–4: L 60, P 40" in svg and "Laki-laki (90)" in svg and "Perempuan (75)" in svg
    assert "berbeda lebih dari 20% dari profil penduduk" in section
    assert "BALITA_SASARAN" in section


@pytest.mark.usefixtures("catalogue")
def test_the_profile_page_lists_every_group_and_says_when_there_is_none(cast: Cast) -> None:
    client = cast.client("kecamatan")
    empty = client.get(f"/desa/{DESA}/penduduk/").content.decode()
    assert "Belum ada data penduduk" in empty and "<svg" not in empty
    store_profile(2025, {"75_PLUS": 7}, {"75_PLUS": 11})
    page = client.get(f"/desa/{DESA}/penduduk/").content.decode()
    assert '<td>75+</td><td class="num">7</td><td class="num">11</td>' in page
    assert client.get("/desa/34.04.02.2001/penduduk/").status_code == 404


@pytest.mark.usefixtures("catalogue")
def test_a_writer_saves_the_derived_targets_and_a_viewer_cannot(cast: Cast) -> None:
    from accounts.models import AuditEvent

    store_profile(2025, {"0_4": 60, "5_9": 50, "10_14": 40, "15_19": 30}, {"0_4": 40})
    save_values(values=[ValueInput(DESA, "BALITA_SASARAN", "2025", 150)], how="form")
    viewer_desa = "34.04.02.2001"
    viewer = cast.client("viewer")
    assert (
        viewer.post(f"/desa/{viewer_desa}/penduduk/sasaran/", {"tahun": "2025"}).status_code == 404
    )
    client = cast.client("desa")
    assert "Simpan sasaran dari profil" in client.get(f"/desa/{DESA}/penduduk/").content.decode()
    response = client.post(f"/desa/{DESA}/penduduk/sasaran/", {"tahun": "2025"})
    assert response.status_code == 302
    stored = {
        v.element.code: v.value
        for v in DataValue.objects.filter(region_id=DESA, period__code="2025")
        .exclude(element__code__startswith="PDDK_L_")
        .exclude(element__code__startswith="PDDK_P_")
    }
    # 0.4·50 = 20; 0.6·50 + 40 + 0.2·30 = 76; 0.6·50 + 40 + 0.8·30 = 94.
    assert stored == {"BALITA_SASARAN": 100, "PDDK_5_6": 20, "PDDK_7_15": 76, "PDDK_7_18": 94}
    assert pop.read(DESA).disagreements == []
    assert AuditEvent.objects.filter(action="edit", region_code=DESA).exists()
