"""Priorities a camat can steer, on the Sleman demo data: the stunting focus puts stunting
first where it is worst, and no indicator is every kecamatan's top gap by construction."""

from __future__ import annotations

import pytest
from django.test import Client

from analytics.figures import Figure, Place, compute_figures, indicators_with_targets
from analytics.focus import STUNTING, THEMES, Theme
from analytics.gaps import share_behind
from catalog.periods import parse_period
from dashboard.priorities import Priorities, priorities
from regions.models import Level, Region
from tests.dashboard_fixtures import reader_fixture, sleman_fixture, text_of  # noqa: F401

YEAR = parse_period("2025")


def kecamatan_of_sleman() -> list[Place]:
    rows = Region.objects.filter(parent_id="34.04", level=Level.KECAMATAN).order_by("code")
    return [Place.of(r) for r in rows]


def ranked(kecamatan: Place, theme: Theme) -> tuple[Priorities, list[Figure]]:
    desa = [Place.of(r) for r in Region.objects.filter(parent_id=kecamatan.code)]
    indicators = [i for i in indicators_with_targets() if theme.covers(i.code)]
    figures = compute_figures(indicators=indicators, places=desa, period=YEAR)
    return priorities(desa, figures, {d.code: "" for d in desa}, theme), figures


@pytest.mark.usefixtures("sleman")
def test_under_the_stunting_focus_the_desa_furthest_behind_on_stunting_ranks_it_first() -> None:
    checked = 0
    for kecamatan in kecamatan_of_sleman():
        result, figures = ranked(kecamatan, STUNTING)
        stunting = {
            f.place.code: share
            for f in figures
            if f.indicator.code == "G01" and (share := share_behind(f))
        }
        if not stunting:
            continue
        worst = max(stunting, key=lambda code: (stunting[code], code))
        entry = next(p for p in result.ranked if p.place.code == worst)
        assert entry.main is not None and entry.main.figure.indicator.code == "G01", kecamatan.name
        checked += 1
    assert checked >= 10  # most Sleman kecamatan are above the 18.8 % target in the demo


@pytest.mark.usefixtures("sleman")
def test_no_indicator_is_the_top_gap_in_every_kecamatan() -> None:
    for theme in THEMES:
        tops: set[str] = set()
        for kecamatan in kecamatan_of_sleman():
            # The sector view here sees every indicator, as "semua sektor" does.
            result, _ = ranked(kecamatan, theme)
            first = result.ranked[0]
            assert first.main is not None
            tops.add(first.main.figure.indicator.code)
        assert len(tops) > 1, (theme.code, tops)


@pytest.mark.usefixtures("sleman")
def test_the_camat_chooses_the_focus_and_the_page_states_the_weights(reader: Client) -> None:
    html = reader.get("/kecamatan/34.04.01/?periode=2025&fokus=stunting").content.decode()
    assert '<option value="stunting" selected>' in html
    block = text_of(html[html.index('id="h-prioritas"') :])
    assert "Prioritas fokus Konvergensi stunting" in block
    assert "Hasil: prevalensi stunting: G01 ×3" in block
    assert "Konseling gizi: G02 ×1" in block
    unknown = reader.get("/kecamatan/34.04.01/?periode=2025&fokus=entah").content.decode()
    assert "Fokus “entah” tidak dikenal." in unknown
