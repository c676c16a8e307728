"""`loadcrosswalk FILE`: old codes and the regions carrying them today from a CSV, all or
nothing, with every row error named in both languages, and a second load changing nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent
from regions.crosswalk import OldCodes
from regions.models import CodeChangeKind, RegionCodeChange

pytestmark = pytest.mark.usefixtures("diy_regions")

HEADER = "old_code,new_code,kind,edition,source\n"
GOOD = (
    HEADER
    + "34.04.01.2901,34.04.01.2001,rename,Kepmendagri 2019,Kepmendagri 100-4924/2019\n"
    + "34.04.01.2902,34.04.01.2002,move,Kepmendagri 2019,\n"
    + "34.04.01.2903,34.04.01.2003,split,Kepmendagri 2019,Perda Sleman 1/2020\n"
    + "34.04.01.2903,34.04.01.2004,split,Kepmendagri 2019,Perda Sleman 1/2020\n"
)


def write(tmp_path: Path, text: str, name: str = "padanan.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("loadcrosswalk", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored() -> list[tuple[str, str, str, str, str]]:
    return list(
        RegionCodeChange.objects.order_by("old_code", "region_id").values_list(
            "old_code", "region_id", "kind", "edition", "source"
        )
    )


def test_a_good_file_stores_every_row_and_the_importers_resolve_it(tmp_path: Path) -> None:
    out, _err = run(write(tmp_path, GOOD))

    assert "4 baru, 0 diubah, 0 tetap" in out and "4 new, 0 changed, 0 unchanged" in out
    assert stored() == [
        (
            "34.04.01.2901",
            "34.04.01.2001",
            "rename",
            "Kepmendagri 2019",
            "Kepmendagri 100-4924/2019",
        ),
        # No source in the file: the file is the source.
        ("34.04.01.2902", "34.04.01.2002", "move", "Kepmendagri 2019", "loadcrosswalk padanan.csv"),
        ("34.04.01.2903", "34.04.01.2003", "split", "Kepmendagri 2019", "Perda Sleman 1/2020"),
        ("34.04.01.2903", "34.04.01.2004", "split", "Kepmendagri 2019", "Perda Sleman 1/2020"),
    ]
    codes = OldCodes()
    resolved = codes.resolve("34.04.01.2901")
    assert resolved is not None and resolved.code == "34.04.01.2001"
    split = codes.resolve("34.04.01.2903")
    assert split is not None and split.code == "" and "dimekarkan" in split.problem
    assert AuditEvent.objects.filter(summary__startswith="loadcrosswalk padanan.csv").count() == 1


def test_a_bad_file_writes_nothing_and_names_every_bad_row_in_both_languages(
    tmp_path: Path,
) -> None:
    text = (
        GOOD
        + "34.04.01.2905,34.04.01,rename,Kepmendagri 2019,x\n"  # row 6: not the same level
        + "34.04.01.2906,34.04.01.2001,pecah,Kepmendagri 2019,x\n"  # row 7: unknown kind
        + "3404012907,34.04.01.2001,rename,,x\n"  # row 8: undotted code, no edition
        + "34.04.01.2908,34.04.01.2999,rename,Kepmendagri 2019,x\n"  # row 9: no such region
        + "34.04.01.2901,34.04.01.2001,rename,Kepmendagri 2019,x\n"  # row 10: twice
    )
    err = StringIO()
    with pytest.raises(CommandError, match="6 galat: tidak ada yang disimpan / 6 error"):
        call_command("loadcrosswalk", str(write(tmp_path, text)), stderr=err)

    assert stored() == []
    lines = err.getvalue().splitlines()
    assert lines == [
        "baris/row 6: kode lama 34.04.01.2905 dan kode baru 34.04.01 tidak setingkat. / "
        "old code 34.04.01.2905 and new code 34.04.01 are not of the same level.",
        "baris/row 7: kind 'pecah' tidak dikenal; pakai salah satu dari rename, move, split, "
        "merge. / unknown kind 'pecah'; use one of rename, move, split, merge.",
        "baris/row 8: old_code '3404012907' tidak berbentuk kode wilayah (34.04.01.2001). / "
        "old_code '3404012907' is not a region code (34.04.01.2001).",
        "baris/row 8: edition (edisi kode lama) kosong. / "
        "edition (the edition of the old code) is empty.",
        "baris/row 9: kode baru 34.04.01.2999 tidak ada di daftar wilayah (muat dulu "
        "loadregions). / new code 34.04.01.2999 is not in the region list (run loadregions "
        "first).",
        "baris/row 10: 34.04.01.2901 → 34.04.01.2001 sudah ada di baris 2. / "
        "34.04.01.2901 → 34.04.01.2001 is already on row 2.",
    ]
    assert not AuditEvent.objects.filter(summary__startswith="loadcrosswalk").exists()


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "loadcrosswalk", str(write(tmp_path, "lama,baru\n34.04.01.2901,x\n")), stderr=err
        )

    assert "tidak ditemukan: old_code, new_code, kind, edition, source" in err.getvalue()
    assert "missing: old_code, new_code, kind, edition, source" in err.getvalue()
    assert stored() == []


def test_loading_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    run(path)
    before = list(RegionCodeChange.objects.order_by("pk").values())
    events = AuditEvent.objects.count()

    out, _err = run(path)

    assert "0 baru, 0 diubah, 4 tetap" in out
    assert list(RegionCodeChange.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_file_naming_a_match_found_by_name_makes_it_official(tmp_path: Path) -> None:
    RegionCodeChange.objects.create(
        old_code="34.04.01.2901",
        region_id="34.04.01.2001",
        kind=CodeChangeKind.MOVE,
        edition="Kemendes IDM 2024",
        source="importidm",
        name_match=True,
    )

    out, _err = run(write(tmp_path, GOOD))

    assert "3 baru, 1 diubah, 0 tetap" in out
    entry = RegionCodeChange.objects.get(old_code="34.04.01.2901")
    assert (entry.kind, entry.name_match, entry.source) == (
        CodeChangeKind.RENAME,
        False,
        "Kepmendagri 100-4924/2019",
    )


def test_a_dry_run_checks_the_file_and_writes_nothing(tmp_path: Path) -> None:
    out = StringIO()
    call_command("loadcrosswalk", str(write(tmp_path, GOOD)), "--dry-run", stdout=out)

    assert "4 baris benar" in out.getvalue()
    assert stored() == []
