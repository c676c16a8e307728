"""The facilities register: pages, scoped edit rights, counts fed to data elements, audit,
and the facilities layer of the kecamatan map."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts import assigning
from accounts.models import AuditEvent
from analytics.models import ElementRollup
from analytics.rollups import rebuild_rollups
from datavalues.models import DataValue
from facilities.layer import facility_layer
from facilities.models import Facility
from regions.maps import RegionMap
from tests.cast import Cast, cast_fixture, login, make_user  # noqa: F401

DESA = "34.04.01.2001"  # the desa operator's desa
OTHER = "34.04.01.2002"
YEAR = str(timezone.localdate().year)


def form(kind: str = "posyandu", name: str = "Posyandu Melati", **extra: Any) -> dict[str, Any]:
    data = {"kind": kind, "name": name, "active": "on", "status_date": "2024-01-15"}
    data.update(extra)
    return data


def count_of(code: str, element: str) -> float | None:
    found = DataValue.objects.filter(
        region_id=code, element__code=element, period__code=YEAR
    ).first()
    return found.value if found else None


@pytest.mark.usefixtures("catalogue")
def test_a_desa_operator_adds_a_posyandu_and_its_count_is_stored_and_audited(cast: Cast) -> None:
    client = cast.client("desa")
    response = client.post(f"/desa/{DESA}/fasilitas/tambah/", form())
    assert response.status_code == 302
    facility = Facility.objects.get(desa_id=DESA)
    assert (facility.kind, facility.name, facility.active) == ("posyandu", "Posyandu Melati", True)
    assert count_of(DESA, "POSYANDU_JUMLAH") == 1
    event = AuditEvent.objects.get(action="edit", region_code=DESA)
    assert "Posyandu Melati" in event.summary
    client.post(f"/desa/{DESA}/fasilitas/tambah/", form(name="Posyandu Mawar"))
    assert count_of(DESA, "POSYANDU_JUMLAH") == 2
    page = client.get(f"/desa/{DESA}/fasilitas/").content.decode()
    assert "Posyandu Melati" in page and "Posyandu Mawar" in page


@pytest.mark.usefixtures("catalogue")
def test_deactivating_or_retyping_a_facility_recounts_both_types(cast: Cast) -> None:
    client = cast.client("desa")
    client.post(f"/desa/{DESA}/fasilitas/tambah/", form(kind="sd", name="SD Negeri 1"))
    client.post(f"/desa/{DESA}/fasilitas/tambah/", form(kind="sd", name="SD Negeri 2"))
    assert count_of(DESA, "SD_SATUAN") == 2
    second = Facility.objects.get(name="SD Negeri 2")
    client.post(
        f"/desa/{DESA}/fasilitas/{second.pk}/",
        {"kind": "sd", "name": "SD Negeri 2", "status_date": "2025-07-01"},
    )
    assert count_of(DESA, "SD_SATUAN") == 1
    second.refresh_from_db()
    assert not second.active
    first = Facility.objects.get(name="SD Negeri 1")
    client.post(f"/desa/{DESA}/fasilitas/{first.pk}/", form(kind="smp", name="SMP Negeri 1"))
    assert count_of(DESA, "SD_SATUAN") == 0
    assert count_of(DESA, "SMP_SATUAN") == 1
    assert AuditEvent.objects.filter(action="edit", region_code=DESA).count() == 4


@pytest.mark.usefixtures("catalogue")
def test_the_roll_ups_after_register_changes_equal_a_rebuild(cast: Cast) -> None:
    desa, kecamatan = cast.client("desa"), cast.client("kecamatan")
    desa.post(f"/desa/{DESA}/fasilitas/tambah/", form())
    kecamatan.post(f"/desa/{OTHER}/fasilitas/tambah/", form(name="Posyandu Anggrek"))
    kecamatan.post(f"/desa/{OTHER}/fasilitas/tambah/", form(name="Posyandu Kenanga"))
    rolled = ElementRollup.objects.get(
        region_code="34.04.01", element__code="POSYANDU_JUMLAH", period__code=YEAR
    )
    assert (rolled.total, rolled.reporting) == (3, 2)
    assert rebuild_rollups().total_corrected == 0


@pytest.mark.usefixtures("catalogue")
def test_a_viewer_cannot_add_or_edit_a_facility(cast: Cast) -> None:
    viewer_desa = "34.04.02.2001"
    client = cast.client("viewer")
    assert client.get(f"/desa/{viewer_desa}/fasilitas/").status_code == 200
    assert client.get(f"/desa/{viewer_desa}/fasilitas/tambah/").status_code == 404
    assert client.post(f"/desa/{viewer_desa}/fasilitas/tambah/", form()).status_code == 404
    facility = Facility.objects.create(
        desa_id=viewer_desa, kind="sd", name="SD X", status_date="2024-01-01"
    )
    response = client.post(f"/desa/{viewer_desa}/fasilitas/{facility.pk}/", form(kind="sd"))
    assert response.status_code == 404
    facility.refresh_from_db()
    assert facility.name == "SD X"
    assert not DataValue.objects.filter(region_id=viewer_desa).exists()
    assert "Tambah fasilitas" not in client.get(f"/desa/{viewer_desa}/fasilitas/").content.decode()


@pytest.mark.usefixtures("catalogue")
def test_a_desa_operator_gets_404_for_another_desas_register(cast: Cast) -> None:
    client = cast.client("desa")
    other = Facility.objects.create(desa_id=OTHER, kind="sd", name="SD Y", status_date="2024-01-01")
    assert client.get(f"/desa/{OTHER}/fasilitas/").status_code == 404
    assert client.post(f"/desa/{OTHER}/fasilitas/tambah/", form()).status_code == 404
    # A facility of another desa is not reachable through one's own desa either.
    assert client.get(f"/desa/{DESA}/fasilitas/{other.pk}/").status_code == 404
    assert not Facility.objects.filter(desa_id=OTHER).exclude(pk=other.pk).exists()


@pytest.mark.usefixtures("catalogue")
def test_a_kecamatan_operator_limited_to_education_cannot_register_a_posyandu(
    cast: Cast,
) -> None:
    user = make_user("kec-pendidikan")
    assigning.grant(
        by=None, user=user, role="kecamatan", region_code="34.04.01", sectors=["pendidikan"]
    )
    client = cast.client("anonymous")
    login(client, user)
    page = client.get(f"/desa/{DESA}/fasilitas/tambah/").content.decode()
    assert 'value="sd"' in page and 'value="posyandu"' not in page
    response = client.post(f"/desa/{DESA}/fasilitas/tambah/", form())
    assert response.status_code == 200
    assert not Facility.objects.exists()
    assert count_of(DESA, "POSYANDU_JUMLAH") is None
    client.post(f"/desa/{DESA}/fasilitas/tambah/", form(kind="paud", name="TK Pertiwi"))
    assert count_of(DESA, "PAUD_SATUAN") == 1


@pytest.mark.usefixtures("catalogue")
def test_half_given_coordinates_are_refused_in_bahasa_indonesia(cast: Cast) -> None:
    client = cast.client("desa")
    response = client.post(f"/desa/{DESA}/fasilitas/tambah/", form(latitude="-7.7"))
    assert response.status_code == 200
    assert "Isi lintang dan bujur bersama-sama" in response.content.decode()
    assert not Facility.objects.exists()
    assert not DataValue.objects.exists()


@pytest.mark.usefixtures("catalogue")
def test_the_desa_page_shows_the_facility_counts(cast: Cast) -> None:
    client = cast.client("desa")
    client.post(f"/desa/{DESA}/fasilitas/tambah/", form())
    client.post(f"/desa/{DESA}/fasilitas/tambah/", form(kind="air_minum", name="Sumur bor RT 3"))
    html = client.get(f"/desa/{DESA}/").content.decode()
    section = html[html.index('id="h-fasilitas"') : html.index('id="h-penduduk"')]
    assert "Posyandu" in section and "Sumber air minum" in section
    assert f"/desa/{DESA}/fasilitas/" in section


@pytest.mark.usefixtures("catalogue")
def test_the_kecamatan_map_draws_facilities_only_when_the_layer_is_on(cast: Cast) -> None:
    Facility.objects.create(
        desa_id=DESA,
        kind="puskesmas",
        name="Puskesmas Gamping",
        status_date="2020-01-01",
        latitude=-7.79,
        longitude=110.32,
    )
    Facility.objects.create(desa_id=DESA, kind="sd", name="SD Tanpa Titik", status_date="2020-1-1")
    Facility.objects.create(
        desa_id=DESA, kind="pustu", name="Pustu Tutup", status_date="2020-1-1", active=False
    )
    region_map = RegionMap(
        kind="polygons", view_box="0 0 1 1", shapes=[], x_scale=0.99, font_size=0.01, missing=0
    )
    layer = facility_layer(region_map, [DESA])
    assert [(p.x, p.y, p.css) for p in layer.points] == [("109.2168", "7.79", "fac-kesehatan")]
    assert layer.not_drawn == 1
    client = cast.client("kecamatan")
    off = client.get("/kecamatan/34.04.01/").content.decode()
    assert "Tampilkan lapisan fasilitas" in off and "fac-point" not in off
    on = client.get("/kecamatan/34.04.01/?lapisan=fasilitas").content.decode()
    assert "Sembunyikan lapisan fasilitas" in on
    assert "2 tanpa koordinat tidak digambar" in on or "tanpa koordinat" in on


@pytest.mark.usefixtures("catalogue")
def test_a_facility_in_an_approved_year_is_refused_and_nothing_is_written(cast: Cast) -> None:
    from datavalues.approval import LOCKED_MESSAGE, step
    from regions.models import Region

    desa = Region.objects.get(code=DESA)
    step(region=desa, period=YEAR, action="ajukan", by=None)
    step(region=desa, period=YEAR, action="setujui", by=None)
    response = cast.client("desa").post(f"/desa/{DESA}/fasilitas/tambah/", form())
    assert response.status_code == 200
    assert LOCKED_MESSAGE.split("/")[0].strip()[:30] in response.content.decode()
    assert not Facility.objects.exists()
    assert not DataValue.objects.exists()
    assert not AuditEvent.objects.filter(action="edit").exists()


@pytest.mark.usefixtures("catalogue", "diy_regions")
def test_a_dapodik_import_registers_its_schools_once(tmp_path: Any) -> None:
    from tests.test_source_adapters import DAPODIK, csv_file, run

    rows = [list(r) for r in DAPODIK]
    rows[7][2] = "69912347"
    path = csv_file(tmp_path, "dapodik.csv", rows)
    run("dapodik", path, "--kecamatan", "34.04.01", "--period", "2025")
    registered = {
        (f.desa_id, f.kind, f.name, f.source, f.source_key) for f in Facility.objects.all()
    }
    assert registered == {
        (DESA, "paud", "TK ABA Balecatur", "Dapodik", "69912345"),
        (DESA, "paud", "KB Melati", "Dapodik", "69912346"),
        (DESA, "sd", "SD Negeri Balecatur 1", "Dapodik", "20400001"),
        (DESA, "sd", "SD Negeri Balecatur 2", "Dapodik", "20400002"),
        (OTHER, "smp", "SMP Negeri 1 Gamping", "Dapodik", "20400003"),
    }
    stamps = list(Facility.objects.order_by("pk").values_list("pk", "updated_at"))
    run("dapodik", path, "--kecamatan", "34.04.01", "--period", "2025")
    assert list(Facility.objects.order_by("pk").values_list("pk", "updated_at")) == stamps


@pytest.mark.usefixtures("catalogue")
def test_a_refused_new_facility_stays_new_in_the_form(cast: Cast) -> None:
    from datavalues.approval import step
    from regions.models import Region

    desa = Region.objects.get(code=DESA)
    step(region=desa, period=YEAR, action="ajukan", by=None)
    step(region=desa, period=YEAR, action="setujui", by=None)
    page = cast.client("desa").post(f"/desa/{DESA}/fasilitas/tambah/", form()).content.decode()
    assert "<h1>Tambah fasilitas</h1>" in page and "Ubah fasilitas" not in page
