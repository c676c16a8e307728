"""Local (RPJMD) targets: a kabupaten/kota or a province sets its own, figures use the most
local target in force and say which, and only the region's own officer may change them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Action, Assignment, AuditEvent
from catalog.models import Indicator, RegionTarget
from catalog.targets import TargetBook, target_in_force
from regions.models import Region
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.dashboard_fixtures import known_fixture, reader_fixture  # noqa: F401

SLEMAN_PERDA = "Perda Kab. Sleman 4/2021 tentang RPJMD 2021–2026"


def local_target(
    region: str,
    value: float,
    years: tuple[int, int] = (2021, 2026),
    code: str = "K01",
    **extra: Any,
) -> RegionTarget:
    return RegionTarget.objects.create(
        indicator=Indicator.objects.get(code=code),
        region_id=region,
        value=value,
        basis=f"RPJMD {region}",
        valid_from=years[0],
        valid_to=years[1],
        created_by="uji",
        **extra,
    )


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    """Labels read outside a request are in the active language: Indonesian here, whatever
    an earlier test of the same process left active."""
    with translation.override("id"):
        yield


@pytest.fixture(name="targets")
def targets_fixture(known: None) -> None:
    """Province 91 sets K01 ≥ 95 % and its kabupaten 91.01 K01 ≥ 85 %, both 2021–2026."""
    Region.objects.filter(code="91.01").update(name="Kabupaten Contoh")
    Region.objects.filter(code="91").update(name="Contoh Raya")
    local_target("91", 95)
    local_target("91.01", 85)


def client_for(username: str, role: str, region: str | None) -> Client:
    user = User.objects.create_user(username)
    Assignment.objects.create(user=user, role=role, region_id=region)
    client = Client()
    client.force_login(user)
    return client


# --- the resolver -------------------------------------------------------------------------


@pytest.mark.usefixtures("targets")
def test_the_kabupaten_target_wins_over_the_province_and_the_national_one() -> None:
    k01 = Indicator.objects.prefetch_related("targets").get(code="K01")
    for code in ("91.01", "91.01.01", "91.01.01.2001"):
        target = target_in_force(k01, code, 2025)
        assert target is not None
        assert (target.value, target.level, target.region_code) == (85, 2, "91.01")
        assert target.label == "Target RPJMD Kabupaten Contoh (2021–2026)"
        assert target.legal_basis == "RPJMD 91.01"
    province = target_in_force(k01, "91", 2025)
    assert province is not None
    assert (province.value, province.label) == (95, "Target RPJMD Provinsi Contoh Raya (2021–2026)")


@pytest.mark.usefixtures("targets")
def test_the_province_target_applies_where_the_kabupaten_has_none_in_force() -> None:
    k01 = Indicator.objects.prefetch_related("targets").get(code="K01")
    RegionTarget.objects.filter(region_id="91.01").update(valid_to=2024)
    target = target_in_force(k01, "91.01.01.2001", 2025)
    assert target is not None and (target.value, target.level) == (95, 1)
    # In 2024 the kabupaten's own target was still in force.
    earlier = target_in_force(k01, "91.01.01.2001", 2024)
    assert earlier is not None and earlier.value == 85


@pytest.mark.usefixtures("targets")
def test_outside_the_local_years_the_national_target_is_in_force_and_says_so() -> None:
    k01 = Indicator.objects.prefetch_related("targets").get(code="K01")
    for year in (2020, 2027):
        target = target_in_force(k01, "91.01.01.2001", year)
        assert target is not None
        assert (target.value, target.level, target.region_code) == (100, 0, None)
        assert target.label == "Target nasional (sejak 2019)"
    assert target_in_force(k01, None, 2025).value == 100  # type: ignore[union-attr]
    assert target_in_force(k01, "ID", 2025).value == 100  # type: ignore[union-attr]


@pytest.mark.usefixtures("targets")
def test_an_ended_target_is_never_in_force_again() -> None:
    k01 = Indicator.objects.prefetch_related("targets").get(code="K01")
    RegionTarget.objects.filter(region_id="91.01").update(ended_by="uji", ended_at=timezone.now())
    target = target_in_force(k01, "91.01.01.2001", 2025)
    assert target is not None and target.value == 95


@pytest.mark.usefixtures("targets")
def test_the_local_targets_of_many_places_are_read_in_one_query() -> None:
    indicators = list(Indicator.objects.prefetch_related("targets"))
    places = [r.code for r in Region.objects.all()]
    with CaptureQueriesContext(connection) as queries:
        book = TargetBook.for_places(places)
        found = [book.target(i, code, 2025) for i in indicators for code in places]
    assert len(queries) == 1
    assert any(t is not None and t.value == 85 for t in found)


# --- figures and pages --------------------------------------------------------------------


@pytest.mark.usefixtures("targets")
def test_the_api_judges_a_desa_against_its_kabupaten_target_and_names_it(reader: Client) -> None:
    body = reader.get("/api/v1/analytics?indicator=K01&region=91.01.01.2001&period=2025").json()
    # Alpha: 90 % — short of the national 100 %, but above the kabupaten's 85 %.
    assert body["status"] == "tercapai"
    assert body["target"] == {
        "value": 85.0,
        "legal_basis": "RPJMD 91.01",
        "level": "kabupaten",
        "region_code": "91.01",
        "label": "Target RPJMD Kabupaten Contoh (2021–2026)",
        "valid_from": 2021,
        "valid_to": 2026,
        "verified": True,
    }
    national = reader.get("/api/v1/analytics?indicator=K01&region=91.01.01.2001&period=2024")
    assert national.json()["target"]["level"] == "kabupaten"  # 2024 lies in 2021–2026
    children = reader.get(
        "/api/v1/analytics?indicator=K01&region=91&period=2025&level=children"
    ).json()
    assert {c["target"]["level"] for c in children} == {"kabupaten"}


@pytest.mark.usefixtures("targets")
def test_the_kecamatan_page_shows_the_local_target_and_its_label(reader: Client) -> None:
    html = reader.get("/kecamatan/91.01.01/?periode=2025&sektor=kesehatan&indikator=K01")
    text = html.content.decode()
    assert "Target RPJMD Kabupaten Contoh (2021–2026): ≥ 85%" in text
    assert "Target nasional" not in text.split('id="h-indikator"')[1].split("</section>")[0]


@pytest.mark.usefixtures("targets")
def test_the_desa_page_marks_targets_of_the_kabupaten(reader: Client) -> None:
    text = reader.get("/desa/91.01.01.2001/?periode=2025").content.decode()
    row = text[text.index('<span class="code">K01</span>') :]
    row = row[row.index("<tr>") : row.index("</tr>", row.index("<tr>"))]
    assert "≥ 85%" in row and "RPJMD Kabupaten Contoh" in row and "tercapai" in row


def page_queries(client: Client, url: str) -> int:
    client.get(url)  # warm caches that are not per request (and the catalogue snapshot)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/kecamatan/91.01.01/?periode=2025&sektor=gizi",
        "/kabupaten/91.01/?periode=2025",
        "/desa/91.01.01.2001/?periode=2025",
        "/kecamatan/91.01.01/belanja/?periode=2025",
    ],
)
def test_local_targets_cost_a_page_at_most_one_query(known: None, reader: Client, url: str) -> None:
    without = page_queries(reader, url)
    local_target("91", 95)
    local_target("91.01", 85)
    assert page_queries(reader, url) <= without + 1
    # Local targets elsewhere cost nothing (the catalogue snapshot knows where they are).
    RegionTarget.objects.all().delete()
    Region.objects.create(code="92", level=1, kind="provinsi", name="Lain")
    local_target("92", 80)
    assert page_queries(reader, url) == without


@pytest.mark.usefixtures("targets")
def test_the_indicator_page_lists_the_local_targets_of_the_viewers_area() -> None:
    inside = client_for("camat-contoh", "kecamatan", "91.01.01")
    text = inside.get("/indikator/K01/").content.decode()
    assert "Target daerah yang berlaku" in text
    assert "Target RPJMD Kabupaten Contoh (2021–2026): ≥ 85%" in text
    assert "Target RPJMD Provinsi Contoh Raya (2021–2026): ≥ 95%" in text
    national = client_for("nasional", "admin", None).get("/indikator/K01/").content.decode()
    assert "Target daerah yang berlaku" not in national


# --- the pages that set them --------------------------------------------------------------

FORM = {
    "indicator": "",
    "value": "92,5",
    "basis": SLEMAN_PERDA,
    "valid_from": "2021",
    "valid_to": "2026",
}


def form(**changes: str) -> dict[str, str]:
    data = {**FORM, **changes}
    if not data["indicator"]:
        data["indicator"] = str(Indicator.objects.get(code="G04").pk)
    return data


@pytest.fixture(name="kabupaten")
def kabupaten_fixture(cast: Cast, catalogue: None) -> Client:
    return cast.client("kabupaten")


def test_a_kabupaten_officer_adds_a_target_and_the_change_is_audited(kabupaten: Client) -> None:
    response = kabupaten.post("/kabupaten/34.04/target-daerah/", form(value="92.5"))
    assert response.status_code == 302
    target = RegionTarget.objects.get()
    assert (target.region_id, target.indicator.code, target.value) == ("34.04", "G04", 92.5)
    assert (target.valid_from, target.valid_to, target.basis) == (2021, 2026, SLEMAN_PERDA)
    assert target.created_by == "kabupaten"
    event = AuditEvent.objects.get(action=Action.EDIT)
    assert event.username == "kabupaten" and event.region_code == "34.04"
    assert "G04" in event.summary and "2021–2026" in event.summary
    listing = kabupaten.get("/kabupaten/34.04/target-daerah/").content.decode()
    assert SLEMAN_PERDA in listing and "≥ 92,5%" in listing


@pytest.mark.parametrize(
    ("changes", "indonesian", "english"),
    [
        (
            {"valid_from": "2026", "valid_to": "2021"},
            "Tahun akhir sebelum tahun awal.",
            "The last year is before the first year.",
        ),
        (
            {"value": "150"},
            "Target persentase paling besar 100.",
            "A percentage target is at most 100.",
        ),
        ({"value": "-1"}, "Target tidak boleh negatif.", "A target must not be negative."),
        ({"value": "banyak"}, "Nilai target harus berupa angka.", "The target must be a number."),
        ({"basis": ""}, "Wajib diisi.", "Required."),
    ],
)
def test_bad_input_is_refused_in_the_users_language_and_writes_nothing(
    kabupaten: Client, changes: dict[str, str], indonesian: str, english: str
) -> None:
    response = kabupaten.post("/kabupaten/34.04/target-daerah/", form(**changes))
    assert response.status_code == 400
    assert indonesian in response.content.decode()
    kabupaten.cookies["django_language"] = "en"
    response = kabupaten.post("/kabupaten/34.04/target-daerah/", form(**changes))
    assert response.status_code == 400
    assert english in response.content.decode()
    assert not RegionTarget.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.EDIT).exists()


def test_a_second_target_for_overlapping_years_is_refused(kabupaten: Client) -> None:
    assert kabupaten.post("/kabupaten/34.04/target-daerah/", form()).status_code == 302
    response = kabupaten.post(
        "/kabupaten/34.04/target-daerah/", form(valid_from="2025", valid_to="2030")
    )
    assert response.status_code == 400
    assert "sudah punya target G04 untuk 2021–2026" in response.content.decode()
    assert RegionTarget.objects.count() == 1
    later = kabupaten.post(
        "/kabupaten/34.04/target-daerah/", form(valid_from="2027", valid_to="2031")
    )
    assert later.status_code == 302 and RegionTarget.objects.count() == 2


def test_a_target_is_only_for_a_province_or_a_kabupaten(catalogue: None, diy_regions: None) -> None:
    from django.core.exceptions import ValidationError

    target = RegionTarget(
        indicator=Indicator.objects.get(code="K01"),
        region_id="34.04.01",
        value=90,
        basis="x",
        valid_from=2021,
        valid_to=2026,
        created_by="uji",
    )
    with pytest.raises(ValidationError) as caught:
        target.full_clean()
    assert "hanya untuk provinsi atau kabupaten/kota" in str(caught.value)


def test_a_kabupaten_officer_changes_and_ends_a_target_each_audited(kabupaten: Client) -> None:
    kabupaten.post("/kabupaten/34.04/target-daerah/", form())
    target = RegionTarget.objects.get()
    assert kabupaten.get(f"/target-daerah/{target.pk}/").status_code == 200
    changed = kabupaten.post(f"/target-daerah/{target.pk}/", form(value="88"))
    assert changed.status_code == 302
    target.refresh_from_db()
    assert target.value == 88 and target.changed_by == "kabupaten"
    ended = kabupaten.post(f"/target-daerah/{target.pk}/akhiri/")
    assert ended.status_code == 302
    target.refresh_from_db()
    assert target.is_ended and target.ended_by == "kabupaten"
    summaries = list(
        AuditEvent.objects.filter(action=Action.EDIT)
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert [s.split(":")[0] for s in summaries] == [
        "target daerah ditetapkan",
        "target daerah diubah",
        "target daerah diakhiri",
    ]
    k01 = Indicator.objects.prefetch_related("targets").get(code="G04")
    resolved = target_in_force(k01, "34.04.01.2001", 2025)
    assert resolved is not None and resolved.level == 0  # back to the national target
    # An ended target cannot be changed.
    again = kabupaten.post(f"/target-daerah/{target.pk}/", form(value="70"))
    assert again.status_code == 302
    target.refresh_from_db()
    assert target.value == 88


def test_the_officer_of_another_kabupaten_gets_404_and_changes_nothing(
    cast: Cast, catalogue: None
) -> None:
    other = client_for("kota-yogya", "kabupaten", "34.71")
    assert other.get("/kabupaten/34.04/target-daerah/").status_code == 404
    assert other.post("/kabupaten/34.04/target-daerah/", form()).status_code == 404
    sleman = local_target("34.04", 90)
    assert other.get(f"/target-daerah/{sleman.pk}/").status_code == 404
    assert other.post(f"/target-daerah/{sleman.pk}/", form(value="10")).status_code == 404
    assert other.post(f"/target-daerah/{sleman.pk}/akhiri/").status_code == 404
    sleman.refresh_from_db()
    assert sleman.value == 90 and not sleman.is_ended
    assert RegionTarget.objects.count() == 1
    assert not AuditEvent.objects.filter(action=Action.EDIT).exists()


@pytest.mark.parametrize("role", ["kecamatan", "desa", "viewer"])
def test_kecamatan_desa_and_viewer_users_cannot_write_targets(
    cast: Cast, catalogue: None, role: str
) -> None:
    client = cast.client(role)
    assert client.post("/kabupaten/34.04/target-daerah/", form()).status_code == 404
    sleman = local_target("34.04", 90)
    assert client.post(f"/target-daerah/{sleman.pk}/akhiri/").status_code == 404
    assert RegionTarget.objects.count() == 1 and not sleman.is_ended


def test_a_kabupaten_officer_cannot_touch_the_province_target(
    kabupaten: Client, catalogue: None
) -> None:
    assert kabupaten.get("/provinsi/34/target-daerah/").status_code == 404
    province = local_target("34", 90)
    assert kabupaten.post(f"/target-daerah/{province.pk}/akhiri/").status_code == 404


def test_a_national_admin_sets_a_province_target(cast: Cast, catalogue: None) -> None:
    admin = cast.client("admin")
    response = admin.post("/provinsi/34/target-daerah/", form(value="80"))
    assert response.status_code == 302
    assert RegionTarget.objects.get().region_id == "34"
    assert AuditEvent.objects.filter(action=Action.EDIT, region_code="34").exists()


def test_the_admin_site_lists_local_targets_but_leaves_their_changes_to_the_audited_pages(
    cast: Cast, catalogue: None
) -> None:
    target = local_target("34", 90)
    admin = cast.client("admin")
    listing = admin.get("/admin/catalog/regiontarget/").content.decode()
    assert "RPJMD 34" in listing and "90,0" in listing
    assert admin.get("/admin/catalog/regiontarget/add/").status_code == 403
    admin.post(f"/admin/catalog/regiontarget/{target.pk}/change/", {"value": "10"})
    assert (
        admin.post(f"/admin/catalog/regiontarget/{target.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    target.refresh_from_db()
    assert target.value == 90


def test_the_pages_fit_a_phone_without_hidden_columns(kabupaten: Client) -> None:
    kabupaten.post("/kabupaten/34.04/target-daerah/", form())
    html = kabupaten.get("/kabupaten/34.04/target-daerah/").content.decode()
    assert 'class="list blocks local-targets"' in html  # rows become labelled blocks
    # The page's own hidden inputs are only the CSRF tokens of its forms.
    page = html[html.index("<h1>") :]
    assert page.count('type="hidden"') == page.count('name="csrfmiddlewaretoken"') == 2
    assert 'data-label="Dokumen dasar"' in html


@pytest.mark.usefixtures("targets")
def test_the_recommendations_name_the_local_target_a_desa_falls_short_of(reader: Client) -> None:
    text = reader.get("/desa/91.01.01.2002/rekomendasi/?periode=2025").content.decode()
    # Beta: 25 % against the kabupaten's 85 %.
    assert "85%" in text and "RPJMD Kabupaten Contoh" in text


RANKING_TARGET = re.compile(r"target ([\d,]+%) · skala 0 sampai")


@pytest.mark.usefixtures("targets")
def test_the_ranking_draws_no_single_target_line_when_children_have_different_targets(
    reader: Client,
) -> None:
    Region.objects.create(code="91.02", level=2, kind="kabupaten", parent_id="91", name="Lain")
    same = reader.get("/kabupaten/91.01/?periode=2025&sektor=kesehatan&indikator=K01")
    # Both kecamatan are judged against the kabupaten's 85 %: one line, labelled.
    assert RANKING_TARGET.findall(same.content.decode()) == ["85,0%"]
    province = reader.get("/provinsi/91/?periode=2025&sektor=kesehatan&indikator=K01")
    # 91.01 against 85 %, 91.02 against the province's 95 %: no single line for both.
    assert RANKING_TARGET.findall(province.content.decode()) == []
