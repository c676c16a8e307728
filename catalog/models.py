"""The indicator catalogue: sectors, data elements, indicators, targets and periods.

Declared in catalog/catalogue.yaml and loaded by `loadcatalog`; administrators may add
local indicators in the admin (`is_local`), which `loadcatalog` never touches.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.expressions import BadExpression, Expression, parse_expression
from catalog.periods import BadPeriod, PeriodSpec, PeriodType, parse_period
from regions.models import Level, Region

PERIOD_TYPE_CHOICES = [(t.value, t.slug) for t in PeriodType]


class ValueType(models.TextChoices):
    COUNT = "count", _("bilangan bulat tak negatif")
    RUPIAH = "rupiah", _("jumlah rupiah")
    SCORE = "score", _("skor")
    YESNO = "yesno", _("ya/tidak")


class Aggregation(models.TextChoices):
    """How one desa's values for shorter periods combine into a longer period.

    Across regions values are always summed (with a count of reporting desa); an average
    across desa is written in the indicator itself as X / count(X).
    """

    SUM = "sum", _("jumlah")
    LAST = "last", _("nilai terakhir dalam periode")
    AVERAGE = "average", _("rata-rata")


class Direction(models.TextChoices):
    HIGHER = "higher", _("makin tinggi makin baik")
    LOWER = "lower", _("makin rendah makin baik")


class TimeRule(models.TextChoices):
    """How a figure for a period shorter than a year is judged against the annual target."""

    LEVEL = "level", _("tingkat: dibandingkan langsung dengan target tahunan")
    CUMULATIVE = (
        "cumulative",
        _("kumulatif: dibandingkan dengan bagian target tahunan yang jatuh dalam periode"),
    )
    # A prevalence measured in some months (stunting in the February and August weighing):
    # numerator and denominator of a longer period come from the same month, the latest
    # month of the period in which the desa reported both.
    SAME_MONTH = (
        "same_month",
        _("bulan yang sama: pembilang dan penyebut dari bulan terakhir yang memuat keduanya"),
    )


class Reporters(models.TextChoices):
    """Which villages report an indicator: the 'expected' of its coverage."""

    BOTH = "both", _("desa dan kelurahan")
    DESA = "desa", _("hanya desa")
    KELURAHAN = "kelurahan", _("hanya kelurahan")


class Sector(models.Model):
    code = models.SlugField(_("kode"), max_length=20, unique=True)
    name_id = models.CharField(_("nama"), max_length=100)
    name_en = models.CharField(_("nama (Inggris)"), max_length=100)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sektor")
        verbose_name_plural = _("sektor")

    def __str__(self) -> str:
        return self.name_id


_INFINITY = float("inf")
_WHOLE = frozenset({ValueType.COUNT, ValueType.RUPIAH})

# The largest value one desa may report for one element and period, when the element
# declares no `max_value` of its own (catalogue.yaml `max_value`, or the admin). Above it a
# value is a typing or unit error (a 1e308 in a file made every roll-up above the desa
# infinite), refused as an error on every path. With these caps every sum the roll-ups
# keep stays a finite double, whole-number sums up to a province exact (below 2**53).
VALUE_CAPS: dict[str, float] = {
    ValueType.COUNT: 1e8,  # people, families, households, services
    ValueType.RUPIAH: 1e12,  # Rp 1 triliun: a thousand times a large APBDes
    ValueType.SCORE: 1e8,
    ValueType.YESNO: 1.0,
}
# The highest `max_value` an element may declare: whole numbers stay exact doubles.
MAX_VALUE_LIMIT = 1e15


def format_limit(limit: float) -> str:
    """A maximum as people read it: 1000000000000 → "1.000.000.000.000"."""
    if limit.is_integer():
        return f"{limit:,.0f}".replace(",", ".")
    return f"{limit:g}"


class DataElement(models.Model):
    code = models.CharField(_("kode"), max_length=40, unique=True)
    name_id = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="data_elements")
    unit = models.CharField(_("satuan"), max_length=40)
    value_type = models.CharField(_("jenis nilai"), max_length=10, choices=ValueType.choices)
    aggregation = models.CharField(_("aturan agregasi"), max_length=10, choices=Aggregation.choices)
    period_type = models.PositiveSmallIntegerField(
        _("jenis periode pelaporan"), choices=PERIOD_TYPE_CHOICES, default=PeriodType.YEAR
    )
    sources = models.CharField(_("sumber data lazim"), max_length=300, blank=True)
    max_value = models.FloatField(_("nilai maksimum"), null=True, blank=True)
    is_local = models.BooleanField(_("tambahan lokal"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("elemen data")
        verbose_name_plural = _("elemen data")

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"

    @property
    def period_type_enum(self) -> PeriodType:
        return PeriodType(self.period_type)

    def check_value(self, value: float) -> str | None:
        """Why `value` is not acceptable for this element, or None when it is (called once
        per value of a file: a million times for a big one)."""
        if not -_INFINITY < value < _INFINITY:  # NaN compares false too
            return gettext("bukan bilangan")
        if value < 0:
            return gettext("tidak boleh negatif")
        if self.value_type in _WHOLE and not value.is_integer():
            return gettext("harus bilangan bulat")
        if self.value_type == ValueType.YESNO and value not in (0, 1):
            return gettext("harus 0 (tidak) atau 1 (ya)")
        if value > (limit := self.limit):
            shown = format_limit(limit)
            return gettext("melebihi batas %(limit)s") % {"limit": shown}
        return None

    def clean(self) -> None:
        if self.max_value is not None and not 0 < self.max_value <= MAX_VALUE_LIMIT:
            raise ValidationError(
                {
                    "max_value": gettext("Harus di atas 0 dan paling besar %(limit)s.")
                    % {"limit": f"{MAX_VALUE_LIMIT:g}"}
                }
            )

    @property
    def limit(self) -> float:
        """The largest value accepted: the element's own `max_value`, or its type's cap."""
        if self.max_value is not None:
            return self.max_value
        return VALUE_CAPS.get(self.value_type, VALUE_CAPS[ValueType.COUNT])


class Indicator(models.Model):
    code = models.CharField(_("kode"), max_length=40, unique=True)
    name_id = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="indicators")
    numerator = models.CharField(_("pembilang"), max_length=300)
    denominator = models.CharField(
        _("penyebut"),
        max_length=300,
        blank=True,
        help_text=_("Kosong untuk indikator berupa jumlah (tanpa penyebut)."),
    )
    factor = models.FloatField(_("faktor"), default=100)
    unit = models.CharField(_("satuan"), max_length=40, default="%")
    direction = models.CharField(_("arah"), max_length=10, choices=Direction.choices)
    period_type = models.PositiveSmallIntegerField(
        _("jenis periode"), choices=PERIOD_TYPE_CHOICES, default=PeriodType.YEAR
    )
    decimals = models.PositiveSmallIntegerField(_("desimal"), default=1)
    # The "on track" band: within this many units of the target (see analytics/status.py).
    on_track_band = models.FloatField(_("pita 'on track'"), default=10)
    description = models.TextField(_("keterangan"), blank=True)
    description_en = models.TextField(_("keterangan (Inggris)"), blank=True)
    # Why the indicator has no target (no numeric target in any regulation, a context
    # figure, a ceiling rather than a target, ...): shown wherever a target would be.
    no_target_reason = models.TextField(_("alasan tanpa target"), blank=True)
    time_rule = models.CharField(
        _("aturan waktu"), max_length=12, choices=TimeRule.choices, default=TimeRule.LEVEL
    )
    reporters = models.CharField(
        _("pelapor"), max_length=10, choices=Reporters.choices, default=Reporters.BOTH
    )
    is_local = models.BooleanField(_("tambahan lokal"), default=False)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["sector__order", "order", "code"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"

    @property
    def period_type_enum(self) -> PeriodType:
        return PeriodType(self.period_type)

    def numerator_expression(self) -> Expression:
        return parse_expression(self.numerator)

    def denominator_expression(self) -> Expression | None:
        return parse_expression(self.denominator) if self.denominator.strip() else None

    def element_codes(self) -> frozenset[str]:
        codes = self.numerator_expression().elements
        denominator = self.denominator_expression()
        return codes | denominator.elements if denominator else codes

    def clean(self) -> None:
        known = dict.fromkeys(DataElement.objects.values_list("code", flat=True))
        errors: dict[str, str] = {}
        for field in ("numerator", "denominator"):
            text = getattr(self, field)
            if field == "denominator" and not text.strip():
                continue
            try:
                parse_expression(text, known)
            except BadExpression as exc:
                errors[field] = str(exc)
        if self.factor == 0:
            errors["factor"] = gettext("Faktor tidak boleh 0.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%" and self.factor == 100

    def check_target_value(self, value: float) -> str | None:
        """Why `value` cannot be a target of this indicator, or None when it can: a share
        lies in 0–100 %, anything else is a finite number not below 0."""
        if not -_INFINITY < value < _INFINITY:
            return str(_("Target harus berupa bilangan."))
        if value < 0:
            return str(_("Target tidak boleh negatif."))
        if self.is_percentage and value > 100:
            return str(_("Target persentase paling besar 100."))
        if value > MAX_VALUE_LIMIT:
            return str(_("Target terlalu besar."))
        return None


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    value = models.FloatField(_("nilai target"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=300)
    valid_from = models.PositiveSmallIntegerField(_("berlaku dari tahun"))
    valid_to = models.PositiveSmallIntegerField(_("berlaku sampai tahun"), null=True, blank=True)
    # False when the number could not be checked against the regulation's text (it is
    # then interpolated or taken from secondary material; docs/TARGETS.md says which).
    verified = models.BooleanField(_("angka terverifikasi"), default=True)
    source_url = models.URLField(_("sumber"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "valid_from"]
        verbose_name = _("target")
        verbose_name_plural = _("target")

    def __str__(self) -> str:
        end = self.valid_to or "…"
        return f"{self.indicator_id}: {self.value:g} ({self.valid_from}–{end})"

    def clean(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(gettext("Tahun akhir sebelum tahun awal."))


# RPJMD years the form accepts: a plan of this century.
FIRST_PLAN_YEAR = 2000
LAST_PLAN_YEAR = 2100


class RegionTarget(models.Model):
    """A target a province or a kabupaten/kota sets for its own area (its RPJMD), with the
    document it rests on. Inside its years it takes precedence over the national target
    (catalog/targets.py decides). Ending a target keeps the row for the record: it is
    simply never in force again."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indikator"),
        on_delete=models.CASCADE,
        related_name="region_targets",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.FloatField(_("nilai target"))
    basis = models.CharField(
        _("dokumen dasar"),
        max_length=300,
        help_text=_("Misalnya: Perda Kab. Sleman 4/2021 tentang RPJMD 2021–2026"),
    )
    valid_from = models.PositiveSmallIntegerField(_("berlaku dari tahun"))
    valid_to = models.PositiveSmallIntegerField(_("berlaku sampai tahun"))
    created_by = models.CharField(_("ditetapkan oleh"), max_length=150)
    created_at = models.DateTimeField(_("ditetapkan pada"), default=timezone.now)
    changed_by = models.CharField(_("diubah oleh"), max_length=150, blank=True)
    changed_at = models.DateTimeField(_("diubah pada"), null=True, blank=True)
    ended_by = models.CharField(_("diakhiri oleh"), max_length=150, blank=True)
    ended_at = models.DateTimeField(_("diakhiri pada"), null=True, blank=True)

    class Meta:
        ordering = ["region", "indicator", "valid_from"]
        verbose_name = _("target daerah")
        verbose_name_plural = _("target daerah")
        indexes = [
            models.Index(fields=["region", "indicator"], name="region_target_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.indicator_id}: {self.value:g} ({self.years})"

    @property
    def years(self) -> str:
        return f"{self.valid_from}–{self.valid_to}"

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        level = Region.objects.filter(pk=self.region_id).values_list("level", flat=True).first()
        if level not in (Level.PROVINSI, Level.KABUPATEN):
            errors["region"] = str(_("Target daerah hanya untuk provinsi atau kabupaten/kota."))
        for field in ("valid_from", "valid_to"):
            year = getattr(self, field)
            if year is not None and not FIRST_PLAN_YEAR <= year <= LAST_PLAN_YEAR:
                errors[field] = str(
                    _("Tahun harus antara %(first)s dan %(last)s.")
                    % {"first": FIRST_PLAN_YEAR, "last": LAST_PLAN_YEAR}
                )
        if (
            not errors.keys() & {"valid_from", "valid_to"}
            and self.valid_from is not None
            and self.valid_to is not None
            and self.valid_to < self.valid_from
        ):
            errors["valid_to"] = str(_("Tahun akhir sebelum tahun awal."))
        if self.value is not None and self.indicator_id is not None:
            problem = self.indicator.check_target_value(self.value)
            if problem:
                errors["value"] = problem
        if not errors and self.indicator_id is not None:
            overlapping = (
                RegionTarget.objects.filter(
                    indicator_id=self.indicator_id,
                    region_id=self.region_id,
                    ended_at__isnull=True,
                    valid_from__lte=self.valid_to,
                    valid_to__gte=self.valid_from,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if overlapping is not None:
                errors["valid_from"] = str(
                    _(
                        "Wilayah ini sudah punya target %(indicator)s untuk %(years)s; "
                        "ubah atau akhiri target itu dahulu."
                    )
                    % {"indicator": self.indicator.code, "years": overlapping.years}
                )
        if errors:
            raise ValidationError(errors)


class PeriodManager(models.Manager["Period"]):
    def for_code(self, code: str) -> Period:
        """The period with this code, created on first use; raises BadPeriod if it does not parse."""
        spec = parse_period(code)
        return self.for_spec(spec)

    def for_spec(self, spec: PeriodSpec) -> Period:
        period, _ = self.get_or_create(
            code=spec.code,
            defaults={"type": spec.type, "year": spec.year, "first_month": spec.first_month},
        )
        return period

    def for_specs(self, specs: set[PeriodSpec]) -> dict[str, Period]:
        """Periods by code for all `specs`, creating the missing ones in one statement."""
        codes = {s.code for s in specs}
        found = {p.code: p for p in self.filter(code__in=codes)}
        missing = [
            Period(code=s.code, type=s.type, year=s.year, first_month=s.first_month)
            for s in sorted(specs)
            if s.code not in found
        ]
        if missing:
            self.bulk_create(missing, ignore_conflicts=True)
            found = {p.code: p for p in self.filter(code__in=codes)}
        return found


class Period(models.Model):
    code = models.CharField(_("kode"), max_length=8, unique=True)
    type = models.PositiveSmallIntegerField(_("jenis"), choices=PERIOD_TYPE_CHOICES)
    year = models.PositiveSmallIntegerField(_("tahun"))
    first_month = models.PositiveSmallIntegerField(_("bulan pertama"))

    objects = PeriodManager()

    class Meta:
        ordering = ["year", "first_month", "-type"]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")
        indexes = [models.Index(fields=["year", "type"], name="period_year_type")]

    def __str__(self) -> str:
        return self.code

    @property
    def spec(self) -> PeriodSpec:
        return PeriodSpec(self.year, self.first_month, PeriodType(self.type))


class CatalogueLoad(models.Model):
    """One run of `loadcatalog`: which version of the file, when, and its checksum."""

    version = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.version} ({self.loaded_at:%Y-%m-%d %H:%M})"


class CatalogueStamp(models.Model):
    """One row whose token changes with every change to the catalogue (sector, data element,
    indicator, target), in the same transaction as the change.

    Processes keep the catalogue in memory between requests (analytics/snapshot.py) and
    compare this token, one tiny query, instead of reading the catalogue again. A random
    token rather than a counter: a change rolled back restores the old token, and a later
    change can never reproduce the token of a snapshot taken inside the rolled-back one.
    """

    token = models.CharField(max_length=32)

    SINGLETON = 1

    def __str__(self) -> str:
        return self.token

    @classmethod
    def bump(cls) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=cls.SINGLETON).update(token=token):
            cls.objects.create(pk=cls.SINGLETON, token=token)


__all__ = [
    "Aggregation",
    "BadPeriod",
    "CatalogueStamp",
    "DataElement",
    "Direction",
    "Indicator",
    "Period",
    "RegionTarget",
    "Reporters",
    "Sector",
    "Target",
    "TimeRule",
    "ValueType",
]
