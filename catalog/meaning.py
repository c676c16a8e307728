"""What an indicator means, in plain words: why its sector matters and how to read a figure.

The definition of each indicator is in the catalogue (description / description_en); the
texts here are per sector, so a new local indicator inherits them.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.expressions import COUNT, parse_expression
from catalog.models import DataElement, Direction, Indicator

WHY: dict[str, Promise] = {
    "kesehatan": _(
        "Layanan kesehatan dasar ini wajib diberikan kepada setiap warga yang berhak (Standar "
        "Pelayanan Minimal). Setiap orang yang belum terlayani adalah risiko kesakitan atau "
        "kematian yang bisa dicegah, misalnya ibu hamil tanpa pemeriksaan lengkap."
    ),
    "gizi": _(
        "Stunting dan kurang gizi pada 1.000 hari pertama kehidupan menghambat tumbuh kembang "
        "anak seumur hidup. Layanan gizi bagi ibu hamil dan baduta adalah intervensi yang paling "
        "menentukan, dan sebagian besar dapat dianggarkan desa melalui Posyandu."
    ),
    "pendidikan": _(
        "Anak yang tidak ikut PAUD atau putus sekolah kehilangan bekal yang sulit dikejar kemudian. "
        "Pemerintah kabupaten wajib menjamin layanan pendidikan dasar; desa dapat mendukung PAUD "
        "dan anak dari keluarga miskin."
    ),
    "air_sanitasi": _(
        "Air minum yang tidak layak dan buang air besar sembarangan menyebarkan diare dan infeksi "
        "yang ikut menyebabkan stunting. Sumber air dan jamban dapat dibangun desa, jaringan "
        "besar oleh kabupaten."
    ),
    "sosial": _(
        "Keluarga miskin dan warga telantar bergantung pada data yang tepat dan bantuan yang "
        "sampai. Angka ini menunjukkan siapa yang belum terjangkau perlindungan sosial."
    ),
    "adminduk": _(
        "Tanpa NIK, akta kelahiran atau KTP-el, warga sulit mendapat JKN, bantuan sosial dan "
        "sekolah. Dokumen kependudukan adalah pintu masuk semua layanan dasar lain."
    ),
    "indeks_desa": _(
        "Indeks Desa Membangun merangkum ketahanan sosial, ekonomi dan lingkungan desa; "
        "statusnya dipakai Kemendes, antara lain untuk alokasi Dana Desa."
    ),
}


def name(indicator: Indicator) -> str:
    return (indicator.name_en if get_language() == "en" else "") or indicator.name_id


def description(indicator: Indicator) -> str:
    """The plain definition in the active language (Indonesian when there is no English)."""
    return (indicator.description_en if get_language() == "en" else "") or indicator.description


def how_to_read(indicator: Indicator) -> str:
    """A sentence on the direction and the status bands of this indicator."""
    unit = _("poin persen") if indicator.unit == "%" else indicator.unit
    if indicator.direction == Direction.HIGHER:
        return str(
            _(
                "Makin tinggi makin baik. Tercapai bila nilainya sama dengan atau di atas target; "
                "sesuai jalur bila tidak lebih dari %(band)s %(unit)s di bawah target; "
                "selebihnya perlu percepatan."
            )
            % {"band": f"{indicator.on_track_band:g}", "unit": unit}
        )
    return str(
        _(
            "Makin rendah makin baik. Tercapai bila nilainya sama dengan atau di bawah target; "
            "sesuai jalur bila tidak lebih dari %(band)s %(unit)s di atas target; selebihnya "
            "perlu percepatan."
        )
        % {"band": f"{indicator.on_track_band:g}", "unit": unit}
    )


def named_expression(expression: str, elements: dict[str, DataElement]) -> str:
    """An expression with data element names instead of codes ("12 × Keluarga penerima
    manfaat BLT Desa"); count(X) reads as the number of villages reporting X."""
    if not expression.strip():
        return ""
    english = get_language() == "en"
    parts = []
    for term, coefficient in parse_expression(expression).terms:
        element = elements.get(term.element)
        name = (element.name_en if english else element.name_id) if element else term.element
        if term.kind == COUNT:
            name = str(_("jumlah desa yang melaporkan “%(name)s”") % {"name": name})
        if coefficient == -1:
            parts.append(f"− {name}")
        elif coefficient != 1:
            parts.append(f"{coefficient:g} × {name}")
        else:
            parts.append(name)
    return " + ".join(parts).replace("+ −", "−")
