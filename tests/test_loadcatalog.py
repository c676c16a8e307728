from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.expressions import BadExpression, parse_expression
from catalog.loading import CATALOGUE_PATH, SECTOR_CODES
from catalog.models import CatalogueLoad, DataElement, Indicator, Sector, Target


def test_it_loads_at_least_45_indicators_covering_every_sector_and_the_idm(db):
    call_command("loadcatalog", stdout=StringIO())
    assert Indicator.objects.count() >= 45
    for code in SECTOR_CODES:
        assert Indicator.objects.filter(sector__code=code).count() >= 5, code
    assert {"IDM_IKS", "IDM_IKE", "IDM_IKL", "IDM_SKOR", "IDM_STATUS"} <= set(
        Indicator.objects.values_list("code", flat=True)
    )
    k01 = Indicator.objects.get(code="K01")
    assert (k01.numerator, k01.denominator, k01.factor, k01.direction) == (
        "BUMIL_ANC",
        "BUMIL_SASARAN",
        100,
        "higher",
    )
    target = k01.targets.get()
    assert target.value == 100 and "Permenkes 6/2024" in target.legal_basis
    assert DataElement.objects.get(code="BALITA_STUNTING").aggregation == "last"
    assert CatalogueLoad.objects.get().version


def test_every_expression_names_only_known_data_elements(catalogue):
    known = dict.fromkeys(DataElement.objects.values_list("code", flat=True))
    for indicator in Indicator.objects.all():
        parse_expression(indicator.numerator, known)
        if indicator.denominator:
            parse_expression(indicator.denominator, known)


def test_loading_twice_changes_nothing(db):
    call_command("loadcatalog", stdout=StringIO())
    before = (Sector.objects.count(), DataElement.objects.count(), Target.objects.count())
    out = StringIO()
    call_command("loadcatalog", stdout=out)
    assert (Sector.objects.count(), DataElement.objects.count(), Target.objects.count()) == before
    assert "0 baru/created, 0 diubah/updated" in out.getvalue()


def test_it_updates_a_changed_target_and_leaves_local_indicators_alone(db, tmp_path):
    call_command("loadcatalog", stdout=StringIO())
    local = Indicator.objects.create(
        code="LOKAL1",
        name_id="Indikator lokal",
        name_en="Local indicator",
        sector=Sector.objects.get(code="gizi"),
        numerator="BUMIL_KEK",
        denominator="BUMIL_SASARAN",
        direction="lower",
        is_local=True,
    )
    old = "targets: [{value: 58, basis:"
    assert old in CATALOGUE_PATH.read_text()
    text = CATALOGUE_PATH.read_text().replace(old, "targets: [{value: 60, basis:")
    path = tmp_path / "katalog.yaml"
    path.write_text(text)
    call_command("loadcatalog", "--file", str(path), stdout=StringIO())
    assert Indicator.objects.get(code="G05").targets.get().value == 60
    assert Indicator.objects.filter(pk=local.pk, is_local=True).exists()


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOGUE_PATH.read_text()
    assert old in text
    path = tmp_path / "rusak.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_an_unknown_data_element_is_a_clear_error_and_nothing_is_written(db, tmp_path):
    path = _broken(tmp_path, "numerator: BUMIL_ANC,", "numerator: BUMIL_ANCX,")
    with pytest.raises(CommandError) as info:
        call_command("loadcatalog", "--file", str(path), stdout=StringIO())
    message = str(info.value)
    assert "K01" in message and "BUMIL_ANCX" in message and "unknown data" in message
    assert not Indicator.objects.exists() and not DataElement.objects.exists()


def test_a_zero_factor_and_a_non_linear_expression_are_refused(db, tmp_path):
    path = _broken(
        tmp_path,
        "numerator: BULIN_NAKES, denominator: BULIN_SASARAN,",
        "numerator: BULIN_NAKES * BULIN_SASARAN, denominator: BULIN_SASARAN, factor: 0,",
    )
    with pytest.raises(CommandError) as info:
        call_command("loadcatalog", "--file", str(path), stdout=StringIO())
    assert "K02" in str(info.value) and "tidak linear" in str(info.value)
    assert "factor must be non-zero" in str(info.value)


def test_a_file_that_is_not_yaml_is_refused(db, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("sectors: [unclosed")
    with pytest.raises(CommandError, match="YAML"):
        call_command("loadcatalog", "--file", str(path), stdout=StringIO())


@pytest.mark.parametrize(
    "text", ["", "A +", "A * B", "A + 1", "sum(A)", "count(A, B)", "A / B", "True"]
)
def test_expressions_must_be_linear_in_data_elements(text):
    with pytest.raises(BadExpression):
        parse_expression(text)


def test_expressions_accept_coefficients_and_counts():
    expr = parse_expression("2 * A - B + count(C)")
    assert expr.evaluate({"A": 10, "B": 3}, {"C": 4}) == 21
