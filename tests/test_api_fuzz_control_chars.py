"""The OpenAPI fuzz, extended: every string an operation takes, with control characters.

For each operation of the OpenAPI document, every string query or path parameter and every
string field of its JSON body is sent, one at a time, with each C0 control character, DEL,
the C1/Unicode line separators and a few mixtures, the other inputs being valid. Nothing may
answer 5xx, every answer is strict JSON (no NaN or Infinity), and whatever is stored carries
no control character.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from catalog.loading import load_catalogue
from datavalues.models import DataValue
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

# Every C0 control character, DEL and the C1/Unicode line separators, in a few mixtures and
# alone for the ones that matter most (NUL, Word's vertical tab, escape sequences).
CONTROL = [
    *(
        "a" + "".join(chr(code) for code in range(start, start + 8)) + "b"
        for start in (0, 8, 16, 24)
    ),
    "\x00",
    "a\vb",
    "\x01",
    "\x1b[2J\x07",
    "\x7f\x85",
    "\u2028\u2029",
    "=1+1\x01",
]

# A valid value for each parameter or body field, so that only one input is hostile at a time.
VALID_QUERY = {
    "q": "Wates",
    "indicator": "G01",
    "period": "2024",
    "region": "34.04.01",
    "level": "desa",
    "sector": "gizi",
    "code": "34.04.01",
}
VALID_BODY: dict[str, dict[str, Any]] = {
    "/api/v1/assignments": {"username": "desa", "role": "viewer", "region": "34.04.02"},
    "/api/v1/datavalues": {
        "values": [
            {
                "kode_wilayah": "34.04.01.2001",
                "kode_data": "BUMIL_SASARAN",
                "periode": "2024",
                "nilai": 12,
                "sumber": "Puskesmas",
            }
        ]
    },
}


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"non-finite number {constant} in the answer")

    return json.loads(text, parse_constant=refuse)


def operations(client: Client) -> Iterator[tuple[str, str, dict[str, Any]]]:
    document = strict_json(client.get("/api/v1/openapi.json").content.decode())
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def string_fields(body: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every string in a JSON body."""
    if isinstance(body, dict):
        for key, value in body.items():
            yield from string_fields(value, (*prefix, key))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from string_fields(value, (*prefix, index))
    elif isinstance(body, str):
        yield prefix


def replaced(body: Any, where: tuple[Any, ...], value: str) -> Any:
    copy = json.loads(json.dumps(body))
    target = copy
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return copy


def test_control_characters_in_every_string_input_never_give_a_server_error(cast: Cast) -> None:
    load_catalogue()
    client = Client(headers={"Authorization": f"Bearer {cast.tokens['admin']}"})
    calls = 0
    for method, path, operation in operations(client):
        parameters = [
            p
            for p in operation.get("parameters", [])
            if p.get("schema", {}).get("type") == "string"
        ]
        for parameter in parameters:
            for hostile in CONTROL:
                values = {p["name"]: VALID_QUERY.get(p["name"], "x") for p in parameters}
                values[parameter["name"]] = hostile
                url = path
                for name in [p["name"] for p in parameters if p["in"] == "path"]:
                    url = url.replace("{" + name + "}", quote(values.pop(name), safe=""))
                query = dict(values)
                response = client.generic(method, f"{url}?{urlencode(query)}" if query else url)
                calls += 1
                assert response.status_code < 500, (method, path, parameter["name"], hostile)
                strict_json(response.content.decode())
        if method == "POST":
            body = VALID_BODY[path]
            for where in string_fields(body):
                for hostile in CONTROL:
                    response = client.post(
                        path, json.dumps(replaced(body, where, hostile)), "application/json"
                    )
                    calls += 1
                    assert response.status_code < 500, (method, path, where, hostile)
                    strict_json(response.content.decode())

    assert calls > 100
    for source in DataValue.objects.values_list("source", flat=True):
        assert source.isprintable(), repr(source)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/regions?q=a%00b", "/api/v1/regions/34.04%00", "/api/v1/analytics?indicator=%00"],
)
def test_a_nul_character_is_refused_with_400_on_every_database(cast: Cast, path: str) -> None:
    response = Client().get(path, headers={"Authorization": f"Bearer {cast.tokens['admin']}"})

    assert response.status_code == 400
    assert "NUL" in strict_json(response.content.decode())["detail"]
