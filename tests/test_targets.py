"""National targets 2025–2029: every indicator has one in force or says why not, with its
legal basis and source; the indicators API lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts import assigning
from accounts.models import ApiToken
from catalog.loading import CATALOGUE_PATH, CatalogueError, parse_catalogue
from catalog.models import Indicator
from catalog.targets import national_target


def _api_rows(db: None) -> Any:
    user = User.objects.create_user("nasional")
    assigning.grant(by=None, user=user, role="admin", region_code=None)
    token = ApiToken.issue(user=user, name="uji", days=1)[1]
    response = Client().get("/api/v1/indicators", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json()


def test_the_api_lists_the_rpjmn_stunting_targets_with_their_basis(catalogue, db):
    rows = {r["code"]: r for r in _api_rows(db)}
    targets = {t["valid_from"]: t for t in rows["G01"]["targets"]}
    assert targets[2025]["value"] == 18.8 and targets[2025]["valid_to"] == 2025
    assert targets[2029]["value"] == 14.2 and targets[2029]["valid_to"] == 2029
    for year in (2025, 2029):
        assert "RPJMN 2025–2029" in targets[year]["legal_basis"]
        assert "Perpres 12/2025" in targets[year]["legal_basis"]
        assert targets[year]["verified"] is True
        assert targets[year]["source_url"].startswith("https://")
    # The years between are interpolated and say so.
    assert [targets[y]["verified"] for y in (2026, 2027, 2028)] == [False, False, False]
    assert 18.8 > targets[2026]["value"] > targets[2027]["value"] > targets[2028]["value"] > 14.2


def test_an_indicator_without_a_target_says_why_in_the_api(catalogue, db):
    rows = {r["code"]: r for r in _api_rows(db)}
    assert rows["G10"]["targets"] == []
    assert "tidak menetapkan angka target" in rows["G10"]["no_target_reason"]
    assert rows["G01"]["description"] and rows["G01"]["description_en"]


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028, 2029])
def test_every_indicator_has_a_target_in_force_or_a_reason(catalogue, year):
    for indicator in Indicator.objects.prefetch_related("targets"):
        target = national_target(indicator, year)
        if year == 2025:
            assert target is not None or indicator.no_target_reason, indicator.code
        if target is not None:
            assert target.legal_basis, indicator.code


def test_every_indicator_has_a_description_in_both_languages(catalogue):
    missing = [i.code for i in Indicator.objects.all() if not (i.description and i.description_en)]
    assert missing == []


def test_a_catalogue_without_a_2025_target_or_reason_is_refused(tmp_path: Path):
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    broken = text.replace(
        'no_target: "Pedoman konvergensi Kemendes tidak menetapkan angka target."', ""
    ).replace(", , ", ", ")
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(broken)
    assert any("G10" in e and "2025" in e for e in caught.value.errors)


def test_a_target_source_that_is_not_a_url_is_refused():
    text = CATALOGUE_PATH.read_text(encoding="utf-8").replace(
        'source: "https://www.metrotvnews.com', 'source: "metrotvnews.com', 1
    )
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text)
    assert any("G01" in e and "URL" in e for e in caught.value.errors)
