"""The adapters by kind: what `importsource KIND FILE` and the upload page offer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sources import dapodik, eppgbm, opensid, scorecard, sdgs, siskeudes


@dataclass(frozen=True)
class Adapter:
    kind: str
    label: str
    # (Table, Options) → Aggregate for values; (Table, desa, year) → Budget for APBDes
    read: Callable[..., Any]
    per_person: bool  # reads personal data (aggregated in memory, never kept)
    needs_desa: bool  # the file does not name its desa: the operator does
    layout: str  # the public document the layout is read from
    target: str = "values"  # or "apbdes": budget lines (intake.apbdes)


ADAPTERS: dict[str, Adapter] = {
    a.kind: a
    for a in (
        Adapter(
            kind=eppgbm.KIND,
            label="e-PPGBM (Kemenkes): pengukuran balita per anak",
            read=eppgbm.read,
            per_person=True,
            needs_desa=False,
            layout="Petunjuk Teknis Sistem Informasi Gizi Terpadu (Sigizi Terpadu), Kemenkes",
        ),
        Adapter(
            kind=opensid.KIND,
            label="OpenSID: ekspor data penduduk",
            read=opensid.read,
            per_person=True,
            needs_desa=True,
            layout="OpenSID source: Penduduk::ekspor, Impor_model::$daftar_kolom",
        ),
        Adapter(
            kind=sdgs.KIND,
            label="SDGs Desa (Kemendes): skor 18 tujuan per desa",
            read=sdgs.read,
            per_person=False,
            needs_desa=False,
            layout="Rekap skor SDGs Desa per desa (Permendesa PDTT 21/2020)",
        ),
        Adapter(
            kind=dapodik.KIND,
            label="Dapodik: daftar satuan pendidikan",
            read=dapodik.read,
            per_person=False,
            needs_desa=False,
            layout="Daftar Satuan Pendidikan, Data Pokok Pendidikan (dapo.kemdikbud.go.id)",
        ),
        Adapter(
            kind=scorecard.KIND,
            label="Scorecard Konvergensi Desa (KPM/eHDW): tingkat konvergensi",
            read=scorecard.read,
            per_person=False,
            needs_desa=False,
            layout="Tabel 4 Tingkat Konvergensi Desa (panduan KPM Kemendes; OpenSID scorecard)",
        ),
        Adapter(
            kind=siskeudes.KIND,
            label="Siskeudes: rincian RAB (Ta_RABRinci) → baris APBDes",
            read=siskeudes.read,
            per_person=False,
            needs_desa=True,
            layout="Siskeudes 2.0 (BPKP), tabel Ta_RABRinci; Permendagri 20/2018",
            target="apbdes",
        ),
    )
}
