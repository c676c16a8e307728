from __future__ import annotations

import pytest
from django.db import connection

from regions.models import Level, Region, ancestor_codes_of, parent_code_of

pytestmark = pytest.mark.usefixtures("diy_regions")


def codes(queryset: object) -> list[str]:
    return [r.code for r in queryset]  # type: ignore[attr-defined]


def test_children_of_a_kecamatan_are_its_desa_in_code_order() -> None:
    assert codes(Region.objects.children_of("34.04.01").order_by("code")) == [
        "34.04.01.2001",
        "34.04.01.2002",
        "34.04.01.2003",
        "34.04.01.2004",
        "34.04.01.2005",
    ]


def test_children_of_nothing_are_the_provinces() -> None:
    assert codes(Region.objects.children_of(None)) == ["34"]


def test_descendants_of_a_kabupaten_cover_every_level_below_it_and_nothing_else() -> None:
    below = Region.objects.descendants_of("34.04")

    assert below.filter(level=Level.KECAMATAN).count() == 17
    assert below.filter(level=Level.DESA).count() == 86
    assert not below.filter(code="34.04").exists()
    assert not below.exclude(code__startswith="34.04.").exists()


def test_descendants_do_not_leak_into_a_neighbour_that_shares_leading_digits() -> None:
    # 34.01 must not match 34.010… nor 34.1…: the prefix is cut at a dot.
    Region.objects.create(code="35", level=1, kind="provinsi", name="Jawa Timur")
    Region.objects.create(code="35.01", level=2, kind="kabupaten", name="Kab X", parent_id="35")

    assert not Region.objects.descendants_of("3").exists()
    assert Region.objects.descendants_of("35").count() == 1


def test_ancestors_run_from_province_down() -> None:
    assert codes(Region.objects.ancestors_of("34.04.01.2001")) == ["34", "34.04", "34.04.01"]
    assert ancestor_codes_of("34") == []
    assert parent_code_of("34.04.01") == "34.04"


def test_search_finds_by_name_by_dotted_code_and_by_undotted_code() -> None:
    assert "34.04" in codes(Region.objects.search("sleman"))
    assert codes(Region.objects.search("34.04.01.2001")) == ["34.04.01.2001"]
    assert codes(Region.objects.search("3404012001")) == ["34.04.01.2001"]
    assert set(codes(Region.objects.search("34.04.01"))) == {
        "34.04.01",
        "34.04.01.2001",
        "34.04.01.2002",
        "34.04.01.2003",
        "34.04.01.2004",
        "34.04.01.2005",
    }


def test_the_subtree_query_uses_an_index_rather_than_scanning_the_table() -> None:
    sql, params = Region.objects.descendants_of("34.04").values("code").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING" in plan and "INDEX" in plan, plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "Index Cond" in plan and "regions_region_code" in plan, plan
