"""accounts.scoping: which regions each role sees, as querysets and through the region pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from accounts import assigning
from accounts.models import Assignment
from accounts.scoping import region_q, scope_of
from regions.models import Region
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_each_role_sees_exactly_the_subtree_of_its_region(cast: Cast) -> None:
    all_codes = codes(Region.objects.all())
    for role, root in (
        ("kabupaten", "34.04"),
        ("kecamatan", "34.04.01"),
        ("desa", "34.04.01.2001"),
        ("viewer", "34.04.02"),
    ):
        expected = {c for c in all_codes if c == root or c.startswith(root + ".")}
        assert codes(Region.objects.for_user(cast.users[role])) == expected, role


def test_the_admin_sees_everything_and_the_outsider_and_anonymous_nothing(cast: Cast) -> None:
    assert Region.objects.for_user(cast.users["admin"]).count() == Region.objects.count()
    assert not Region.objects.for_user(cast.users["outsider"]).exists()
    assert not Region.objects.for_user(AnonymousUser()).exists()


def test_an_inactive_user_sees_nothing(cast: Cast) -> None:
    user = User.objects.get(username="kabupaten")
    user.is_active = False

    assert not Region.objects.for_user(user).exists()


def test_ancestors_are_added_only_when_asked_for(cast: Cast) -> None:
    user = cast.users["desa"]

    assert codes(Region.objects.for_user(user, with_ancestors=True)) == {
        "34",
        "34.04",
        "34.04.01",
        "34.04.01.2001",
    }


def test_several_assignments_add_up_and_overlapping_ones_collapse(cast: Cast) -> None:
    user = cast.users["desa"]
    assigning.grant(by=None, user=user, role="viewer", region_code="34.71.01")
    assigning.grant(by=None, user=user, role="viewer", region_code="34.04.01")

    assert scope_of(user).roots == ("34.04.01", "34.71.01")
    assert Region.objects.for_user(user).filter(code="34.71.01.1001").exists()


@pytest.mark.parametrize("field", ["region", "region_id", "region__code"])
def test_region_q_scopes_any_model_with_a_region_field(cast: Cast, field: str) -> None:
    rows = Assignment.objects.filter(region_q(cast.users["kecamatan"], field))

    assert set(rows.values_list("region_id", flat=True)) == {"34.04.01", "34.04.01.2001"}


def test_a_kecamatan_role_limited_to_sectors_sees_only_those(cast: Cast) -> None:
    user = User.objects.create_user("upt.kesehatan")
    assigning.grant(
        by=None, user=user, role="kecamatan", region_code="34.04.01", sectors=["kesehatan", "gizi"]
    )

    assert scope_of(user).sectors_at("34.04.01.2001") == frozenset({"kesehatan", "gizi"})
    assert scope_of(cast.users["kecamatan"]).sectors_at("34.04.01.2001") is None
    assert scope_of(user).roles_at("34.04.01.2001") == {"kecamatan"}
    assert scope_of(user).roles_at("34.04.02") == set()


def test_a_camat_opening_the_national_page_sees_only_the_way_down(cast: Cast) -> None:
    client = cast.client("kecamatan")

    national = client.get("/wilayah/").content.decode()
    province = client.get("/wilayah/34/").content.decode()
    kabupaten = client.get("/wilayah/34.04/").content.decode()

    assert 'href="/wilayah/34/"' in national
    assert "/wilayah/35/" not in national and "/wilayah/34.71/" not in province
    assert 'href="/wilayah/34.04.01/"' in kabupaten
    assert "/wilayah/34.04.02/" not in kabupaten
    assert "<strong>1</strong> kecamatan" in kabupaten  # counts cover the scope only


def test_a_user_with_one_region_lands_on_its_dashboard_and_a_national_user_on_indonesia(
    cast: Cast,
) -> None:
    assert cast.client("kabupaten").get("/")["Location"] == "/kabupaten/34.04/"
    # A camat starts from its work menu, its dashboard one tap away.
    assert 'href="/kecamatan/34.04.01/"' in cast.client("kecamatan").get("/").content.decode()
    assert cast.client("admin").get("/")["Location"] == "/nasional/"
    assert cast.client("outsider").get("/")["Location"] == "/wilayah/"


def test_an_outsider_sees_an_empty_country(cast: Cast) -> None:
    html = cast.client("outsider").get("/wilayah/").content.decode()

    assert "/wilayah/34/" not in html


def test_search_results_are_filtered_by_scope(cast: Cast) -> None:
    html = cast.client("desa").get("/wilayah/cari?q=34.04.01").content.decode()

    assert 'href="/wilayah/34.04.01.2001/"' in html
    assert "/wilayah/34.04.01.2002/" not in html
    assert 'href="/wilayah/34.04.01/"' not in html


def test_for_user_agrees_with_the_code_prefix_rule_for_random_assignments(cast: Cast) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from accounts.scoping import forget_scope

    all_codes = sorted(Region.objects.values_list("code", flat=True))
    user = cast.users["outsider"]

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(roots=st.lists(st.sampled_from(all_codes), min_size=1, max_size=3, unique=True))
    def check(roots: list[str]) -> None:
        Assignment.objects.filter(user=user).delete()
        for root in roots:
            Assignment.objects.create(user=user, role="viewer", region_id=root)
        forget_scope(user)

        expected = {c for c in all_codes if any(c == r or c.startswith(r + ".") for r in roots)}
        assert codes(Region.objects.for_user(user)) == expected
        assert {c for c in all_codes if scope_of(user).covers(c)} == expected

    check()
