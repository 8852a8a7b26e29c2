"""schemathesis against the served /openapi.json: generated requests to every operation, none answered with
a server error. A bounded number of examples per operation keeps the run to seconds."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

EXAMPLES = 12
# The verify endpoint takes the certificate PDF as raw bytes, as application/octet-stream would be sent.
schemathesis.serializer.alias("application/pdf", "application/octet-stream")


def test_no_operation_answers_with_a_server_error(api):
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json")
    headers = {"Authorization": f"Bearer {api.tokens['erp']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=api.url, headers=headers)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
            case.validate_response(response, checks=[not_a_server_error])

        try:
            check()
        except Exception as exc:  # name the operation, then fail with hypothesis's minimal example
            pytest.fail(f"{operation.label}: {exc}")
