from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from regions.models import Kind, Level, Region, RegionNameChange


def run(*args: str) -> str:
    out = StringIO()
    call_command("loadregions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.django_db
def test_it_loads_all_of_indonesia_with_the_exact_official_counts_and_a_rerun_changes_nothing() -> (
    None
):
    first = json.loads(run("--json"))

    levels = first["levels"]
    assert levels["provinsi"]["created"] == 38
    assert levels["kabupaten_kota"]["kinds"] == {"kabupaten": 416, "kota": 98}
    assert levels["kecamatan"]["total"] == 7285
    assert levels["desa_kelurahan"]["kinds"] == {"desa": 75252, "desa_adat": 14, "kelurahan": 8496}
    assert Region.objects.filter(level=Level.PROVINSI).count() == 38
    assert Region.objects.filter(level=Level.KABUPATEN).count() == 514
    assert Region.objects.filter(kind=Kind.KABUPATEN).count() == 416
    assert Region.objects.filter(kind=Kind.KOTA).count() == 98
    assert Region.objects.filter(level=Level.KECAMATAN).count() == 7285
    assert Region.objects.filter(level=Level.DESA).count() == 83762
    assert Region.objects.filter(kind=Kind.DESA).count() == 75252
    assert Region.objects.filter(kind=Kind.DESA_ADAT).count() == 14
    assert Region.objects.filter(kind=Kind.KELURAHAN).count() == 8496
    # Every region below a province hangs off its parent, and the parent is the code prefix.
    assert not Region.objects.filter(level__gt=1, parent__isnull=True).exists()
    assert Region.objects.get(code="34.04.01.2001").parent_id == "34.04.01"

    second = json.loads(run("--json"))
    for summary in second["levels"].values():
        assert summary["created"] == 0
        assert summary["changed"] == 0
    assert second["levels"]["desa_kelurahan"]["unchanged"] == 83762
    assert Region.objects.count() == 38 + 514 + 7285 + 83762


@pytest.mark.django_db
def test_it_prints_one_line_per_level() -> None:
    lines = run("--province", "34").strip().splitlines()

    assert lines == [
        "provinsi: 1 (provinsi 1); 1 dibuat, 0 diubah, 0 tetap",
        "kabupaten/kota: 5 (kabupaten 4, kota 1); 5 dibuat, 0 diubah, 0 tetap",
        "kecamatan: 78 (kecamatan 78); 78 dibuat, 0 diubah, 0 tetap",
        "desa/kelurahan: 438 (desa 392, kelurahan 46); 438 dibuat, 0 diubah, 0 tetap",
    ]


@pytest.mark.django_db
def test_the_province_option_loads_only_those_provinces() -> None:
    run("--province", "34", "--province", "51")

    assert set(Region.objects.filter(level=Level.PROVINSI).values_list("code", flat=True)) == {
        "34",
        "51",
    }
    assert not Region.objects.exclude(code__regex=r"^(34|51)").exists()
    assert Region.objects.get(code="34.04").name == "Kabupaten Sleman"
    assert Region.objects.get(code="34.04.01.2001").postal_code == "55295"


@pytest.mark.django_db
def test_a_second_province_subset_run_reports_nothing_created_or_changed() -> None:
    run("--province", "34")

    summary = json.loads(run("--province", "34", "--json"))

    assert [s["created"] for s in summary["levels"].values()] == [0, 0, 0, 0]
    assert [s["changed"] for s in summary["levels"].values()] == [0, 0, 0, 0]
    assert [s["unchanged"] for s in summary["levels"].values()] == [1, 5, 78, 438]


@pytest.mark.django_db
def test_an_unknown_province_is_refused_in_indonesian_and_nothing_is_written() -> None:
    with pytest.raises(CommandError, match="Kode provinsi tidak dikenal: 99"):
        run("--province", "34", "--province", "99")

    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_a_province_code_in_the_wrong_format_is_refused() -> None:
    with pytest.raises(CommandError, match=r"34\.04"):
        run("--province", "34.04")

    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_a_name_that_differs_from_the_edition_is_updated_and_the_change_recorded() -> None:
    run("--province", "34")
    Region.objects.filter(code="34.04.01.2001").update(name="Balecatur Lama")

    summary = json.loads(run("--province", "34", "--json"))

    assert summary["levels"]["desa_kelurahan"]["changed"] == 1
    assert summary["renamed"] == [
        {"code": "34.04.01.2001", "old_name": "Balecatur Lama", "new_name": "Balecatur"}
    ]
    assert Region.objects.get(code="34.04.01.2001").name == "Balecatur"
    change = RegionNameChange.objects.get()
    assert (change.region_id, change.old_name, change.new_name) == (
        "34.04.01.2001",
        "Balecatur Lama",
        "Balecatur",
    )
    assert change.edition == "Kepmendagri 300.2.2-2138/2025"
