"""Property-based fuzzing of the published OpenAPI (schemathesis) over a live server with a staff token
holding every staff role: no answer may be a 5xx, and answers must match their documented schemas.

Path ids are pointed at rows made for the fuzz (a throwaway user, patron, material...), so the fuzzer's
writes (deactivate, suspend, set roles) never hit the accounts other tests use.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from datalayer.session import connect
from tests.factories import Factory

MAX_EXAMPLES = int(os.environ.get("ILS_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def fuzz_schema(live):
    return schemathesis.openapi.from_url(f"{live.url}/openapi.json")


@pytest.fixture(scope="module")
def fuzz_rows(installed_db, people):
    admin = people.make("LIBRARIAN", "BRANCH_MANAGER", "CATALOGER", "IT_ADMIN", "LIBRARY_DIRECTOR")
    victim = people.make("PATRON")
    s = connect(installed_db)
    try:
        f = Factory(s)
        material = f.material(title="Fuzz title")
        f.copy(material)
        s.commit()
    finally:
        s.close()
    return {"headers": admin.headers,
            "ids": {"user_id": victim.user_id, "patron_id": victim.patron_id, "material_id": material,
                    "fine_id": 987654321, "hold_id": 987654321, "loan_id": 987654321}}


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def test_api_never_answers_5xx(fuzz_schema, fuzz_rows):
    """Each operation: hypothesis-generated valid and invalid requests; collect every failure."""
    failures: list[str] = []
    operations = list(_operations(fuzz_schema))
    assert len(operations) >= 30

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None, phases=[Phase.explicit, Phase.generate])
        def run(case):
            for name in list(case.path_parameters or {}):
                if name in fuzz_rows["ids"]:
                    case.path_parameters[name] = fuzz_rows["ids"][name]
            response = case.call(headers=fuzz_rows["headers"], timeout=30)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # one line per failing operation, then the next operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert failures == [], "\n\n".join(failures)
