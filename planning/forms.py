"""Forms of the planning pages; the rules themselves live on the models (clean methods)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Indicator
from config.text import PlainTextField
from planning.activities import Opd
from planning.evaluation import Result
from planning.followups import Owner, Status
from regions.models import Level, Region

REQUIRED = {"required": _("Wajib diisi.")}


class FollowUpForm(forms.Form):
    desa = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("Desa"), error_messages=REQUIRED
    )
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.order_by("sector__order", "order", "code"),
        label=_("Indikator"),
        error_messages=REQUIRED,
    )
    problem = PlainTextField(
        label=_("Masalah"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=REQUIRED,
    )
    cause = PlainTextField(
        label=_("Penyebab"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    action = PlainTextField(
        label=_("Tindakan yang disepakati"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=REQUIRED,
    )
    owner = forms.ChoiceField(
        label=_("Penanggung jawab"),
        choices=[("", "—"), *Owner.choices],
        error_messages={"required": _("Penanggung jawab wajib dipilih: desa atau OPD.")},
    )
    opd = forms.ChoiceField(
        label=_("OPD"),
        choices=[("", "—"), *Opd.choices],
        required=False,
        help_text=_("Hanya bila penanggung jawabnya OPD kabupaten (usulan ke Musrenbang)."),
    )
    due_date = forms.DateField(
        label=_("Batas waktu"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={**REQUIRED, "invalid": _("Tanggal tidak valid (TTTT-BB-HH).")},
    )

    def __init__(
        self,
        *args: Any,
        kecamatan: Region,
        sectors: Collection[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["desa"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Region.objects.children_of(kecamatan.code).filter(level=Level.DESA)
        if sectors is not None:  # a sector-limited role picks only its sectors' indicators
            indicator = self.fields["indicator"]
            assert isinstance(indicator, forms.ModelChoiceField)
            indicator.queryset = Indicator.objects.filter(sector__code__in=list(sectors)).order_by(
                "sector__order", "order", "code"
            )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status baru"), choices=Status.choices)
    note = PlainTextField(
        label=_("Catatan bukti"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvaluationForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Hasil evaluasi"),
        choices=Result.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    notes = PlainTextField(
        label=_("Catatan untuk desa"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
