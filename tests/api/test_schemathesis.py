"""Property-based tests of every operation of /api/v1/openapi.json, in-process (WSGI).

A few generated cases per operation (valid and invalid data), as a coordinator and
as a learner, inside the test's rolled-back transaction: no response may be a 5xx,
and each must match the description (status codes and body schemas). The longer
fuzzing of the real server under gunicorn is `make schemathesis`
(tests/api/run_schemathesis.py).

schemathesis.pytest.from_fixture() would be the obvious tool, but with pytest 9 it
fails (it sets ``request.node._nodeid``, which pytest 9 no longer has), so the
operations are listed from the description and each gets a plain Hypothesis test.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from lms.api.openapi import build_spec
from lms.auth import services
from lms.core.db import commit
from tests import factories
from tests.conftest import api_headers

SCHEMA_PATH = "/api/v1/openapi.json"  # schemathesis leaves the description's own endpoint out
SPEC_PATHS = build_spec()["paths"]
OPERATIONS = [f"{method.upper()} {path}" for path, item in SPEC_PATHS.items() for method in item
              if path != SCHEMA_PATH]
# Integer path parameters, by operation, and the values a fuzzer only hits by luck: the
# edges of 32-bit (PostgreSQL `integer`) and 64-bit (SQLite) columns, and beyond.
INTEGER_PARAMETERS = {
    f"{method.upper()} {path}": names
    for path, item in SPEC_PATHS.items() for method, spec in item.items()
    if (names := [p["name"] for p in spec.get("parameters", [])
                  if p["in"] == "path" and p["schema"].get("type") == "integer"])
}
EDGE_INTEGERS = [0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30]
# Erase the caller or end its token: a throwaway account per case.
REVOKING = {"DELETE /api/v1/me", "POST /api/v1/auth/logout", "POST /api/v1/me/sign-out-everywhere",
            "POST /api/v1/me/password"}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True, report_multiple_bugs=False)


@pytest.fixture(scope="session")
def api_schema(app):
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)


def operation(api_schema, label: str):
    for result in api_schema.get_all_operations():
        found = result.ok()
        if found.label == label:
            return found
    raise LookupError(label)


def throwaway_headers() -> dict:
    raw, _expires = services.issue_api_token(factories.learner(password=None))
    commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda mode: mode.value)
@pytest.mark.parametrize("role", ["coordinator", "learner"])
@pytest.mark.parametrize("label", OPERATIONS)
def test_operation(app, api_schema, outbox, label, role, mode):
    # `outbox`: the invitation written by POST /users (no password) is expected, not a leak.
    headers = api_headers(app, factories.user(role))

    @given(case=operation(api_schema, label).as_strategy(mode))
    @EXAMPLES
    def check(case):
        case.call_and_validate(headers=throwaway_headers() if label in REVOKING else headers, checks=CHECKS)

    check()


@pytest.mark.parametrize("label", sorted(INTEGER_PARAMETERS))
def test_ids_out_of_range_are_not_found(app, api_schema, label):
    headers = api_headers(app, factories.coordinator())
    for value in EDGE_INTEGERS:
        case = operation(api_schema, label).Case(
            path_parameters={name: value for name in INTEGER_PARAMETERS[label]})
        case.call_and_validate(headers=headers, checks=CHECKS)
