"""Source-system exports for the adapter tests, laid out as the systems document them.

e-PPGBM: the "Data Pengukuran" export of Sigizi Terpadu (Kemenkes user guide). OpenSID:
`Penduduk::ekspor`, header `Impor_model::$daftar_kolom` (OpenSID source code). The people
in them are invented; their NIK and names must never reach the database or the logs.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import openpyxl

EPPGBM_HEADER = [
    "No", "NIK", "Nama", "JK", "Tgl Lahir", "BB Lahir", "TB Lahir", "Nama Ortu", "Prov",
    "Kab/Kota", "Kec", "Pukesmas", "Desa/Kel", "Posyandu", "RT", "RW", "Alamat",
    "Usia Saat Ukur", "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur", "LiLA", "BB/U",
    "ZS BB/U", "TB/U", "ZS TB/U", "BB/TB", "ZS BB/TB",
]  # fmt: skip

# (NIK, name, sex, born, desa, measured, weight, height, position, parent)
EPPGBM_CHILDREN = [
    ("3404011508240001", "Bagas Pratama", "L", "2024-08-15", "Balecatur", "2025-08-15", "9,6", "75,7", "Terlentang", "Sri Wahyuni"),
    ("3404011508240002", "Dimas Saputra", "L", "2024-08-15", "Balecatur", "2025-08-15", "7,0", "68,0", "Terlentang", "Siti Aminah"),
    ("3404011508240003", "Rizky Ramadhan", "L", "2024-08-15", "Balecatur", "2025-08-15", "7,0", "75,7", "Terlentang", "Endang Lestari"),
    ("3404015008240004", "Nayla Azzahra", "P", "2024-08-10", "Balecatur", "2025-08-15", "8,9", "74,0", "Terlentang", "Tri Rahayu"),
    ("3404010101210005", "Keisha Anindita", "P", "2020-01-01", "Balecatur", "2025-08-15", "16,0", "105,0", "Berdiri", "Dwi Astuti"),
    ("3404011508240001", "Bagas Pratama", "L", "2024-08-15", "Balecatur", "2025-08-20", "9,7", "75,9", "Terlentang", "Sri Wahyuni"),
    ("3404021508230006", "Fajar Nugroho", "L", "2023-08-15", "Ambarketawang", "2025-08-15", "12,2", "87,1", "Berdiri", "Ani Susanti"),
    ("3404024102220007", "Salsabila Putri", "P", "2022-02-01", "Ambarketawang", "2025-08-15", "12,5", "86,0", "Berdiri", "Yuliana Dewi"),
    ("3404024103240008", "Aisyah Kirana", "P", "2024-03-01", "Ambarketawang", "2025-09-10", "7,5", "66,0", "Terlentang", "Ratna Sari"),
]  # fmt: skip


def eppgbm_rows(children: Sequence[tuple[str, ...]] | None = None) -> list[list[str]]:
    rows = []
    for number, child in enumerate(children or EPPGBM_CHILDREN, start=1):
        nik, name, sex, born, desa, measured, weight, height, position, parent = child
        rows.append(
            [
                str(number), nik, name, sex, born, "3,1", "49", parent, "DI YOGYAKARTA",
                "SLEMAN", "GAMPING", "GAMPING I", desa, "Melati", "001", "002",
                f"Jl. Kenanga {number}", "", measured, weight, height, position, "", "", "",
                "", "", "", "",
            ]
        )  # fmt: skip
    return rows


OPENSID_HEADER = [
    "alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir",
    "tanggallahir", "agama_id", "pendidikan_kk_id", "pendidikan_sedang_id", "pekerjaan_id",
    "status_kawin", "kk_level", "warganegara_id", "ayah_nik", "nama_ayah", "ibu_nik",
    "nama_ibu", "golongan_darah_id", "akta_lahir", "dokumen_pasport",
    "tanggal_akhir_paspor", "dokumen_kitas", "akta_perkawinan", "tanggalperkawinan",
    "akta_perceraian", "tanggalperceraian", "cacat_id", "cara_kb_id", "hamil", "ktp_el",
    "status_rekam", "alamat_sekarang", "status_dasar", "suku", "tag_id_card", "id_asuransi",
    "no_asuransi", "lat", "lng",
]  # fmt: skip

# (NIK, name, sex, birth date, status_dasar); ages on 31 December 2025 in the comments.
OPENSID_PEOPLE = [
    ("3404010105230001", "Arkan Maulana", "1", "2023-05-01", "1"),  # 2
    ("3404017006190002", "Citra Lestari", "2", "2019-06-30", "1"),  # 6
    ("3404010101150003", "Galih Prasetyo", "LAKI-LAKI", "2015-01-01", "HIDUP"),  # 10
    ("3404017112080004", "Intan Permatasari", "PEREMPUAN", "2008-12-31", "1"),  # 17
    ("3404010303500005", "Slamet Riyadi", "1", "1950-03-03", "1"),  # 75
    ("3404014707850006", "Wulan Sari", "2", "1985-07-07", ""),  # 40
    ("3404010404400007", "Sutrisno Hadi", "1", "1940-04-04", "2"),  # died
    ("3404015505900008", "Mariana Ulfa", "2", "1990-05-15", "PINDAH"),  # moved away
]


def opensid_rows(people: Sequence[tuple[str, ...]] | None = None) -> list[list[str]]:
    rows = []
    for number, (nik, name, sex, born, status) in enumerate(people or OPENSID_PEOPLE, start=1):
        row = dict.fromkeys(OPENSID_HEADER, "")
        row.update(
            alamat=f"Jl. Mawar {number}", dusun="Ngemplak", rw="003", rt="004", nama=name,
            no_kk=f"34040122010{number:05d}", nik=nik, sex=sex, tempatlahir="Sleman",
            tanggallahir=born, agama_id="1", status_kawin="1", kk_level="1",
            warganegara_id="1", nama_ayah="Budi Santoso", nama_ibu="Sumarni",
            status_dasar=status,
        )  # fmt: skip
        rows.append([row[c] for c in OPENSID_HEADER])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ";") -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


PERSONAL = (
    [c[0] for c in EPPGBM_CHILDREN]
    + [c[1] for c in EPPGBM_CHILDREN]
    + [c[9] for c in EPPGBM_CHILDREN]
    + [p[0] for p in OPENSID_PEOPLE]
    + [p[1] for p in OPENSID_PEOPLE]
)
