"""Forms of the planning pages; the rules themselves live on the models (clean methods)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Indicator, RegionTarget
from config.text import PlainTextField
from datavalues.numbers import BadCell, parse_number
from planning.activities import Opd
from planning.evaluation import Result
from planning.followups import FollowUp, Owner, Status
from planning.proposals import OPD_DECISIONS, Proposal
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
        # New records name current desa only (a retired code's records stay listed).
        field.queryset = (
            Region.objects.current().children_of(kecamatan.code).filter(level=Level.DESA)
        )
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


class ProposalForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new usulan of a desa of the kecamatan; the evidence is filled from the figures."""

    class Meta:
        model = Proposal
        fields = [
            "desa",
            "dusun",
            "indicator",
            "problem",
            "activity",
            "volume",
            "unit",
            "cost_rp",
            "fund_source",
            "opd",
            "year",
            "evidence_year",
            "follow_up",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.HiddenInput,
            "evidence_year": forms.HiddenInput,
        }
        error_messages = dict.fromkeys(
            ("desa", "problem", "activity", "volume", "unit", "cost_rp", "opd", "year"), REQUIRED
        )

    def __init__(self, *args: Any, kecamatan: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        desa = self.fields["desa"]
        assert isinstance(desa, forms.ModelChoiceField)
        desa.queryset = (
            Region.objects.current().children_of(kecamatan.code).filter(level=Level.DESA)
        )
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = Indicator.objects.order_by("sector__order", "order", "code")
        follow_up = self.fields["follow_up"]
        assert isinstance(follow_up, forms.ModelChoiceField)
        follow_up.queryset = FollowUp.objects.under(kecamatan.code)
        cost = self.fields["cost_rp"]
        cost.widget.attrs["min"] = 0
        cost.error_messages["min_value"] = _("Biaya tidak boleh negatif.")

    def clean_cost_rp(self) -> int:
        cost = int(self.cleaned_data["cost_rp"])
        if cost < 0:
            raise forms.ValidationError(_("Biaya tidak boleh negatif."))
        return cost

    def clean_volume(self) -> Any:
        volume = self.cleaned_data["volume"]
        if volume <= 0:
            raise forms.ValidationError(_("Volume harus lebih dari nol."))
        return volume


class DecisionForm(forms.Form):
    """The OPD's answer to an agreed proposal, recorded by the kabupaten."""

    status = forms.ChoiceField(
        label=_("Keputusan OPD"), choices=[(s.value, s.label) for s in OPD_DECISIONS]
    )
    reason = forms.CharField(
        label=_("Alasan"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100, required=False)


class RegionTargetForm(forms.ModelForm):  # type: ignore[type-arg]
    """A local (RPJMD) target of a province or kabupaten/kota; the region, who and when are
    set by the view, the rules are RegionTarget.clean."""

    basis = PlainTextField(
        multiline=False,
        label=_("Dokumen dasar"),
        max_length=300,
        error_messages=REQUIRED,
        help_text=_("Misalnya: Perda Kab. Sleman 4/2021 tentang RPJMD 2021–2026"),
    )

    # Typed as people type it: "92,5" (Indonesian) or "92.5" (datavalues.numbers).
    value = forms.CharField(
        label=_("Nilai target"),
        max_length=30,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    class Meta:
        model = RegionTarget
        fields = ["indicator", "value", "basis", "valid_from", "valid_to"]
        labels = {
            "indicator": _("Indikator"),
            "valid_from": _("Berlaku dari tahun"),
            "valid_to": _("Berlaku sampai tahun"),
        }
        error_messages = {
            "indicator": {**REQUIRED, "invalid_choice": _("Indikator tidak dikenal.")},
            "valid_from": {**REQUIRED, "invalid": _("Tahun harus berupa angka.")},
            "valid_to": {**REQUIRED, "invalid": _("Tahun harus berupa angka.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = Indicator.objects.order_by("sector__order", "order", "code")
        for name in ("valid_from", "valid_to"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean_value(self) -> float:
        try:
            return parse_number(self.cleaned_data["value"].strip())
        except BadCell:
            raise forms.ValidationError(_("Nilai target harus berupa angka.")) from None
