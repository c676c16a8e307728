from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.login import resolve_login_name
from accounts.models import ApiToken, Assignment, Role, Sector
from config.text import PlainTextField


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Nama pengguna atau e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Nama pengguna/e-mail atau kata sandi salah."),
        "inactive": _("Akun ini tidak aktif."),
    }

    def clean(self) -> dict[str, Any]:
        # One lockout counter per account, whether the user typed the name or the e-mail.
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = resolve_login_name(self.cleaned_data["username"])
        return super().clean()


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode 6 angka dari aplikasi autentikator"),
        regex=r"^\s*[0-9]{6}\s*$",
        error_messages={"invalid": _("Kode terdiri dari 6 angka.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class TokenForm(forms.Form):
    name = PlainTextField(label=_("Nama token"), max_length=100, multiline=False)
    days = forms.IntegerField(
        label=_("Berlaku (hari)"), min_value=1, max_value=ApiToken.MAX_DAYS, initial=90
    )


class AssignmentForm(forms.Form):
    username = forms.RegexField(
        label=_("Nama pengguna"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Nama pengguna hanya boleh huruf, angka dan @ . + - _")},
    )
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)
    region = forms.RegexField(
        label=_("Kode wilayah"),
        required=False,
        max_length=13,
        regex=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?\Z",
        error_messages={"invalid": _("Kode wilayah tidak sah, mis. 34.04.01.")},
        help_text=_("Kosongkan hanya untuk peran nasional."),
    )
    cohort = forms.ModelChoiceField(
        label=_("Program (khusus peran sekretariat program)"),
        queryset=Assignment._meta.get_field("cohort").related_model._default_manager.all(),  # type: ignore[union-attr]
        required=False,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sektor (khusus peran kecamatan; kosong = semua)"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    create = forms.BooleanField(
        label=_("Buat pengguna baru bila belum ada (kata sandi acak ditampilkan sekali)"),
        required=False,
    )
