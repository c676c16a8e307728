"""A bounded fuzz run of the OpenAPI document with schemathesis: no 500, nothing undocumented.

Every operation is called with generated inputs (valid and invalid) using a national
administrator's token, so scoping never hides an operation from the fuzzer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from tests.cast import Cast, cast_fixture  # noqa: F401

MAX_EXAMPLES = 25

# Checks skipped for one operation, each with the reason; remove an entry once it is fixed.
KNOWN_GAPS = {
    # The query parameters are documented as free strings, but an empty or unknown indicator
    # or period is (rightly) refused with 400: the schema needs patterns/enums to say so.
    "GET /api/v1/analytics": [positive_data_acceptance],
    # Rules across fields (a role's region level, an existing username) cannot be written in
    # the schema; breaking them is refused with 400 and a message.
    "POST /api/v1/assignments": [positive_data_acceptance],
    # Known region, data element and period codes are checked per item after the schema;
    # unknown ones get 400 with a per-item report and nothing is saved.
    "POST /api/v1/datavalues": [positive_data_acceptance],
}


# Served by the app itself (no database needed), exactly as clients download it.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_transaction() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly; like Django's test client, stop it from
    closing the database connection (and the test's transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_honours_its_documented_responses(case: object, cast: Cast) -> None:
    excluded = KNOWN_GAPS.get(f"{case.method} {case.path}", [])  # type: ignore[attr-defined]
    case.call_and_validate(  # type: ignore[attr-defined]
        # The WSGI transport does not undo the pages' gzip, which an HTTP client would.
        headers={"Authorization": f"Bearer {cast.tokens['admin']}", "Accept-Encoding": "identity"},
        excluded_checks=excluded,
    )
