"""`loadregions` over an existing tree: what a new edition adds, retires, renames and moves,
recorded (regions keep their editions, retired codes get crosswalk entries where the region
can be found again) and reported; a second load of the same edition changes nothing."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from catalog.models import DataElement, Period
from catalog.periods import parse_period
from datavalues.models import DataValue
from regions.crosswalk import OldCodes
from regions.models import CodeChangeKind, Region, RegionCodeChange, RegionNameChange

pytestmark = pytest.mark.django_db

EDITION_A = [
    ("34", "DI YOGYAKARTA"),
    ("34.04", "KABUPATEN SLEMAN"),
    ("34.04.01", "Gamping"),
    ("34.04.01.2001", "Balecatur"),
    ("34.04.01.2002", "Ambarketawang"),
    ("34.04.02", "Godean"),
    ("34.04.02.2001", "Sidoluhur"),
    ("34.04.02.2002", "Sidomulyo"),
]
# Balecatur renamed; Ambarketawang moved to Godean; Sidomulyo renumbered; Sidoluhur split
# in two; a new kecamatan Moyudan with one desa.
EDITION_B = [
    ("34", "DI YOGYAKARTA"),
    ("34.04", "KABUPATEN SLEMAN"),
    ("34.04.01", "Gamping"),
    ("34.04.01.2001", "Balecatur Baru"),
    ("34.04.02", "Godean"),
    ("34.04.02.2003", "Ambarketawang"),
    ("34.04.02.2004", "Sidoluhur Utara"),
    ("34.04.02.2005", "Sidoluhur Selatan"),
    ("34.04.02.2009", "Sidomulyo"),
    ("34.04.03", "Moyudan"),
    ("34.04.03.2001", "Sumberagung"),
]


def edition_file(tmp_path: Path, name: str, rows: list[tuple[str, str]]) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_text(
        "kode,nama\n" + "".join(f"{code},{label}\n" for code, label in rows), encoding="utf-8"
    )
    return path


def load(path: Path, edition: str, *args: str) -> dict[str, Any]:
    out = StringIO()
    call_command(
        "loadregions", "--source", str(path), "--edition", edition, "--json", *args, stdout=out
    )
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def load_both(tmp_path: Path) -> dict[str, Any]:
    first = load(edition_file(tmp_path, "a", EDITION_A), "Edisi A")
    assert first["differences"] == {"appeared": 0, "retired": 0, "successors": 0, "renamed": 0}
    return load(edition_file(tmp_path, "b", EDITION_B), "Edisi B")


def test_a_new_edition_reports_every_code_that_appears_retires_or_changes_its_name(
    tmp_path: Path,
) -> None:
    summary = load_both(tmp_path)

    assert summary["edition"] == "Edisi B"
    assert summary["differences"] == {"appeared": 6, "retired": 3, "successors": 2, "renamed": 1}
    assert [a["code"] for a in summary["appeared"]] == [
        "34.04.03",
        "34.04.02.2003",
        "34.04.02.2004",
        "34.04.02.2005",
        "34.04.02.2009",
        "34.04.03.2001",
    ]
    assert summary["retired"] == [
        {"code": "34.04.01.2002", "name": "Ambarketawang"},
        {"code": "34.04.02.2001", "name": "Sidoluhur"},
        {"code": "34.04.02.2002", "name": "Sidomulyo"},
    ]
    assert summary["renamed"] == [
        {"code": "34.04.01.2001", "old_name": "Balecatur", "new_name": "Balecatur Baru"}
    ]
    assert summary["successors"] == [
        {
            "old_code": "34.04.01.2002",
            "code": "34.04.02.2003",
            "kind": "move",
            "name": "Ambarketawang",
        },
        {
            "old_code": "34.04.02.2002",
            "code": "34.04.02.2009",
            "kind": "rename",
            "name": "Sidomulyo",
        },
    ]


def test_regions_keep_the_editions_they_appear_in_and_retired_ones_are_never_deleted(
    tmp_path: Path,
) -> None:
    load_both(tmp_path)

    kept = Region.objects.get(code="34.04.01.2001")
    assert (kept.first_edition, kept.last_edition, kept.retired_in) == ("Edisi A", "Edisi B", "")
    new = Region.objects.get(code="34.04.03.2001")
    assert (new.first_edition, new.last_edition, new.retired_in) == ("Edisi B", "Edisi B", "")
    gone = Region.objects.get(code="34.04.02.2001")
    assert (gone.first_edition, gone.last_edition, gone.retired_in) == (
        "Edisi A",
        "Edisi A",
        "Edisi B",
    )
    assert gone.is_retired and gone.name == "Sidoluhur"
    assert Region.objects.count() == 14  # 11 of edition B and 3 retired
    assert set(Region.objects.current().values_list("code", flat=True)) == {
        code for code, _name in EDITION_B
    }
    assert RegionNameChange.objects.get().new_name == "Balecatur Baru"


def test_moves_and_renumbered_codes_become_crosswalk_entries_and_splits_do_not(
    tmp_path: Path,
) -> None:
    load_both(tmp_path)

    entries = {
        (c.old_code, c.region_id, c.kind, c.edition, c.old_name)
        for c in RegionCodeChange.objects.all()
    }
    assert entries == {
        ("34.04.01.2002", "34.04.02.2003", CodeChangeKind.MOVE, "Edisi A", "Ambarketawang"),
        ("34.04.02.2002", "34.04.02.2009", CodeChangeKind.RENAME, "Edisi A", "Sidomulyo"),
    }
    codes = OldCodes()
    moved = codes.resolve("34.04.01.2002")
    assert moved is not None and moved.code == "34.04.02.2003"
    assert moved.note == "kode lama 34.04.01.2002 → 34.04.02.2003"
    split = codes.resolve("34.04.02.2001")
    assert split is not None and split.code == ""
    assert "34.04.02.2001 tidak berlaku lagi sejak Edisi B" in split.problem
    assert codes.resolve("34.04.01.2001") is None  # a current code is no old code


def test_a_second_load_of_the_same_edition_finds_no_difference_and_changes_nothing(
    tmp_path: Path,
) -> None:
    load_both(tmp_path)
    before = list(Region.objects.values_list("code", "name", "last_edition", "retired_in"))

    again = load(edition_file(tmp_path, "b", EDITION_B), "Edisi B")

    assert again["differences"] == {"appeared": 0, "retired": 0, "successors": 0, "renamed": 0}
    assert [s["changed"] for s in again["levels"].values()] == [0, 0, 0, 0]
    assert list(Region.objects.values_list("code", "name", "last_edition", "retired_in")) == before
    assert RegionCodeChange.objects.count() == 2 and RegionNameChange.objects.count() == 1


def test_a_retired_region_with_values_keeps_them_and_a_code_that_comes_back_is_current_again(
    tmp_path: Path,
) -> None:
    load(edition_file(tmp_path, "a", EDITION_A), "Edisi A")
    call_command("loadcatalog", stdout=StringIO())
    element = DataElement.objects.order_by("code").first()
    assert element is not None
    period = Period.objects.for_spec(parse_period("2024"))
    DataValue.objects.create(region_id="34.04.02.2001", element=element, period=period, value=5)

    load(edition_file(tmp_path, "b", EDITION_B), "Edisi B")
    assert DataValue.objects.get().region_id == "34.04.02.2001"

    back = load(edition_file(tmp_path, "a", EDITION_A), "Edisi A")
    assert {"code": "34.04.02.2001", "name": "Sidoluhur"} in back["appeared"]
    assert Region.objects.get(code="34.04.02.2001").retired_in == ""
    assert Region.objects.get(code="34.04.03.2001").retired_in == "Edisi A"


def test_the_text_report_lists_the_differences_in_indonesian(tmp_path: Path) -> None:
    load(edition_file(tmp_path, "a", EDITION_A), "Edisi A")
    out = StringIO()
    call_command(
        "loadregions",
        "--source",
        str(edition_file(tmp_path, "b", EDITION_B)),
        "--edition",
        "Edisi B",
        stdout=out,
    )
    text = out.getvalue()
    assert (
        "perbedaan dengan Edisi B: 6 kode baru, 3 kode tidak berlaku lagi "
        "(2 dengan kode pengganti), 1 ganti nama"
    ) in text
    assert "tidak berlaku lagi 34.04.01.2002: Ambarketawang → 34.04.02.2003 (move)" in text
    assert "tidak berlaku lagi 34.04.02.2001: Sidoluhur (tanpa pengganti)" in text
    assert "kode baru 34.04.03.2001: Sumberagung" in text


def test_an_edition_file_with_a_missing_parent_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    path = edition_file(tmp_path, "bad", [("34", "DIY"), ("34.04.01", "Gamping")])
    with pytest.raises(CommandError, match=r"Induk 34\.04 dari 34\.04\.01 tidak ada di berkas"):
        load(path, "Edisi X")
    with pytest.raises(CommandError, match="beri juga --edition"):
        call_command("loadregions", "--source", str(path), stdout=StringIO())
    assert not Region.objects.exists()


def test_a_load_that_fails_halfway_leaves_the_tree_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(edition_file(tmp_path, "a", EDITION_A), "Edisi A")
    before = list(Region.objects.values_list("code", "name", "retired_in", "last_edition"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("regions.loading._record_successors", broken)
    with pytest.raises(RuntimeError):
        load(edition_file(tmp_path, "b", EDITION_B), "Edisi B")

    assert list(Region.objects.values_list("code", "name", "retired_in", "last_edition")) == before
    assert not RegionNameChange.objects.exists() and not RegionCodeChange.objects.exists()


def test_a_region_the_shipped_list_does_not_have_is_retired_by_a_reload_of_its_province(
    diy_regions: None,
) -> None:
    Region.objects.create(
        code="34.04.01.2999", level=4, kind="desa", parent_id="34.04.01", name="Desa Lama"
    )
    out = StringIO()
    call_command("loadregions", "--province", "34", "--json", stdout=out)
    summary = json.loads(out.getvalue())

    assert summary["retired"] == [{"code": "34.04.01.2999", "name": "Desa Lama"}]
    assert summary["differences"] == {"appeared": 0, "retired": 1, "successors": 0, "renamed": 0}
    assert Region.objects.get(code="34.04.01.2999").retired_in == "Kepmendagri 300.2.2-2138/2025"
    assert not Region.objects.current().filter(code="34.04.01.2999").exists()
