"""API fuzzing: Schemathesis over ``/api/v1/openapi.json``, every operation,
with an accountant's token, in-process through the WSGI app. No 500, and every documented answer
conforms to its schema. Bounded (a few examples per operation) so that the suite stays fast; the
path's organization is mostly ``coop`` so that requests reach the books, not only the 404."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.audit import hypothesis_compat
from tests.conftest import Books

hypothesis_compat.install()

EXAMPLES = 4
#: operations whose documented response does not match what they send yet (reported to their
#: owners): only "no 500" is checked for them
SCHEMA_GAPS = {
    "POST /api/v1/orgs/{org}/assemblies": "the 201 body is documented as the error schema",
}


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if path_parameters and "org" in path_parameters:
        path_parameters["org"] = "coop"
    return path_parameters


with warnings.catch_warnings():  # schemathesis 3.39 warns about its own default arguments
    warnings.simplefilter("ignore", DeprecationWarning)
    schema = schemathesis.from_pytest_fixture("fuzzed_app")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_schema_conformance(case: Any, books: Books) -> None:
    response = case.call_wsgi(headers=books.headers("acc"))
    if case.operation.verbose_name in SCHEMA_GAPS:
        case.validate_response(response, checks=(not_a_server_error,))
        return
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))


@pytest.fixture
def fuzzed_app(app: Flask, books: Books) -> Any:
    books.posted()  # something to read
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return schemathesis.from_wsgi("/api/v1/openapi.json", app)
