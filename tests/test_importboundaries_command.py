from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.models import Boundary

FIXTURES = Path(__file__).parent / "fixtures" / "boundaries"

pytestmark = pytest.mark.usefixtures("diy_regions")


def run(path: Path, *args: str) -> dict[str, object]:
    out = StringIO()
    call_command("importboundaries", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_it_attaches_polygons_by_code_and_reports_unknown_and_missing_regions() -> None:
    result = run(FIXTURES / "gamping_desa.geojson")

    assert result["matched"] == 4
    assert result["unknown_codes"] == ["34.04.01.2999"]
    assert result["regions_without_polygon"] == ["34.04.01.2005"]
    assert set(Boundary.objects.values_list("region_id", flat=True)) == {
        "34.04.01.2001",
        "34.04.01.2002",
        "34.04.01.2003",
        "34.04.01.2004",
    }


def test_it_stores_an_svg_path_with_latitude_flipped_and_a_bounding_box() -> None:
    run(FIXTURES / "gamping_desa.geojson")

    boundary = Boundary.objects.get(region_id="34.04.01.2001")
    assert re.fullmatch(r"(M[-0-9. L]+Z)+", boundary.svg_path), boundary.svg_path
    assert "110.3 7.8" in boundary.svg_path  # (lon, -lat)
    assert boundary.min_x == pytest.approx(110.30)
    assert boundary.max_y == pytest.approx(7.80)
    assert boundary.min_y == pytest.approx(7.79)
    assert boundary.min_x < boundary.label_x < boundary.max_x


def test_it_repairs_a_self_intersecting_ring_and_says_so() -> None:
    result = run(FIXTURES / "gamping_desa.geojson")

    assert result["repaired"] == 1
    bowtie = Boundary.objects.get(region_id="34.04.01.2004")
    assert bowtie.repaired
    # The bow-tie becomes two triangles: two closed rings.
    assert bowtie.svg_path.count("M") == 2


def test_a_second_import_replaces_polygons_without_duplicating_them() -> None:
    run(FIXTURES / "gamping_desa.geojson")
    run(FIXTURES / "gamping_desa.geojson")

    assert Boundary.objects.count() == 4


def test_the_code_property_and_level_can_be_named() -> None:
    result = run(
        FIXTURES / "other_code_property.geojson", "--code-property", "id_desa", "--level", "desa"
    )

    assert result["matched"] == 1
    assert Boundary.objects.get().region_id == "34.04.01.2005"


def test_features_of_another_level_are_skipped_when_a_level_is_given() -> None:
    result = run(FIXTURES / "gamping_desa.geojson", "--level", "kecamatan")

    assert result["matched"] == 0
    assert result["skipped_other_level"] == 5
    assert Boundary.objects.count() == 0


def test_the_summary_line_is_in_indonesian() -> None:
    out = StringIO()
    call_command("importboundaries", str(FIXTURES / "gamping_desa.geojson"), stdout=out)

    assert out.getvalue().startswith(
        "5 fitur: 4 dipasang (1 diperbaiki), 1 kode tidak dikenal, 0 tingkat lain dilewati; "
        "1 wilayah tanpa poligon"
    )


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("not_json.geojson", "Berkas bukan JSON yang sah"),
        ("no_features.geojson", "GeoJSON tidak berisi fitur"),
        ("missing_code.geojson", "Fitur ke-2 tidak punya properti 'kode'"),
        ("broken_geometry.geojson", r"Geometri fitur ke-2 \(34.04.01.2002\) rusak"),
        ("does_not_exist.geojson", "Berkas tidak ditemukan"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_written(
    fixture: str, message: str
) -> None:
    run(FIXTURES / "other_code_property.geojson", "--code-property", "id_desa")
    before = list(Boundary.objects.values_list("region_id", "svg_path"))

    with pytest.raises(CommandError, match=message):
        run(FIXTURES / fixture)

    assert list(Boundary.objects.values_list("region_id", "svg_path")) == before


def test_a_file_that_is_json_but_not_a_feature_collection_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.geojson"
    path.write_text("[1, 2, 3]")

    with pytest.raises(CommandError, match="bukan GeoJSON FeatureCollection"):
        run(path)


def test_the_real_di_yogyakarta_desa_boundaries_all_match(real_data: Path) -> None:
    result = run(real_data / "boundaries" / "34_diy_desa_kelurahan.geojson")

    assert result["features"] == 438
    assert result["matched"] == 438
    assert result["unknown_codes"] == []
    assert result["regions_without_polygon"] == []
    assert Boundary.objects.filter(region__code__startswith="34.04.").count() == 86
