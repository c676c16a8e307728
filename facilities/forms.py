"""The form of one facility: the kinds offered are those the user may write."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, FacilityType


class FacilityForm(forms.ModelForm[Facility]):
    class Meta:
        model = Facility
        fields = ("kind", "name", "active", "status_date", "latitude", "longitude", "source")
        widgets = {"status_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "status_date": _("Tanggal mulai aktif, atau tanggal berhenti bila tidak aktif."),
            "latitude": _("Opsional, derajat desimal, contoh −7,7156."),
            "longitude": _("Opsional, derajat desimal, contoh 110,3556."),
            "source": _("Contoh: Puskesmas, Dapodik, survei desa."),
        }

    def __init__(self, *args: Any, kinds: Collection[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, label) for k, label in FacilityType.choices if k in kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(
                _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")
            )
        return data
