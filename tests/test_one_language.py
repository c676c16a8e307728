"""Messages reach a person in the language they chose, never as "Indonesian / English":
the entry form, a file's preview and its refusal, the API (by Accept-Language); the command
line keeps both, from the same message."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Role
from intake.models import Upload
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db

DESA = "34.04.01.2001"
# What each language says for the mistakes below; a page in one language has none of the
# other's.
WORDS = {
    "id": ["tidak boleh negatif", "bukan bilangan", "tidak dikenal", "belum dimulai"],
    "en": ["must not be negative", "not a number", "unknown data element", "has not started"],
}
# An Indonesian message followed by " / " and more Latin text: the old bilingual form.
BILINGUAL = re.compile(
    r"(tidak|bukan|kosong|ganda|melebihi|rusak|dimulai|dikenal)[^<>\n]{0,160} / [A-Za-z]"
)

BAD_FILE = (
    "kode_wilayah,kode_data,periode,nilai\n"
    f"{DESA},BUMIL_ANC,2024,-1\n"
    f"{DESA},BUMIL_SASARAN,2024,abc\n"
    f"{DESA},TIDAK_ADA,2024,1\n"
    f"{DESA},BUMIL_SASARAN,2099,1\n"
).encode()


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def client_in(cast: Cast, role: str, language: str) -> Client:
    client = cast.client(role)
    client.cookies["django_language"] = language
    return client


def assert_in_one_language(page: str, language: str, expected: list[str]) -> None:
    other = "en" if language == "id" else "id"
    for words in expected:
        assert words in page, words
    for words in WORDS[other]:
        assert words not in page, words
    assert not BILINGUAL.search(page), BILINGUAL.search(page)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_entry_form_says_what_is_wrong_in_one_language(staff: Cast, language: str) -> None:
    client = client_in(staff, Role.DESA, language)
    url = f"/isi/{DESA}/2024/?sektor=kesehatan"
    page = client.get(url).content.decode()
    data = dict(re.findall(r'name="((?:v|shown|token)_[A-Z0-9_]+)" value="([^"]*)"', page))
    data |= {"v_BUMIL_ANC": "-1", "v_BUMIL_SASARAN": "abc"}
    page = client.post(url, data).content.decode()
    assert_in_one_language(page, language, WORDS[language][:2])


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_files_preview_and_error_report_say_why_in_one_language(
    staff: Cast, language: str
) -> None:
    client = client_in(staff, Role.KECAMATAN, language)
    response = client.post("/impor/", {"file": SimpleUploadedFile("salah.csv", BAD_FILE)})
    assert response.status_code == 302
    upload = Upload.objects.latest("id")
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert_in_one_language(page, language, WORDS[language])
    report = client.get(f"/impor/{upload.pk}/laporan.csv").content.decode("utf-8-sig")
    assert_in_one_language(report, language, WORDS[language])


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_file_checked_by_the_worker_gives_its_reasons_in_the_senders_language(
    staff: Cast, language: str, settings: Any
) -> None:
    from jobs import worker

    settings.INTAKE_BACKGROUND_KB = 0  # every file goes to the worker
    client = client_in(staff, Role.KECAMATAN, language)
    client.post("/impor/", {"file": SimpleUploadedFile("salah.csv", BAD_FILE)})
    worker.run_next()
    upload = Upload.objects.latest("id")
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert_in_one_language(page, language, WORDS[language])


@pytest.mark.parametrize(
    ("language", "words"), [("id", "gambar/dokumen PNG"), ("en", "renamed PNG file")]
)
def test_a_refused_file_is_refused_in_one_language(staff: Cast, language: str, words: str) -> None:
    client = client_in(staff, Role.KECAMATAN, language)
    image = (FIXTURES / "renamed_image.xlsx").read_bytes()
    client.post("/impor/", {"file": SimpleUploadedFile("foto.xlsx", image)})
    upload = Upload.objects.latest("id")
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert words in page and not BILINGUAL.search(page)
    empty = client.post("/impor/", {"file": SimpleUploadedFile("kosong.csv", b"")})
    # An empty file is refused by the form itself, in the same language.
    assert not BILINGUAL.search(empty.content.decode())


@pytest.mark.parametrize(("language", "header"), [("id", ""), ("en", "en")])
def test_the_api_answers_in_the_requests_language(staff: Cast, language: str, header: str) -> None:
    headers = {"Authorization": f"Bearer {staff.tokens[Role.KECAMATAN]}"}
    if header:
        headers["Accept-Language"] = header
    body = {
        "values": [{"kode_wilayah": DESA, "kode_data": "BUMIL_ANC", "periode": "2024", "nilai": -1}]
    }
    response = Client().post(
        "/api/v1/datavalues", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    answer: dict[str, Any] = response.json()
    text = json.dumps(answer, ensure_ascii=False)
    assert_in_one_language(text, language, WORDS[language][:1])


def test_the_command_line_says_both_languages_from_one_message(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as info:
        call_command("importvalues", str(path), stdout=StringIO(), stderr=StringIO())
    assert str(info.value) == "Berkas kosong. / The file is empty."
