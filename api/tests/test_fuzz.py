"""schemathesis against /api/schema/: every operation, with a real token for each role.

No 5xx, no response that breaks the schema, and no operation that answers without the
authentication it declares.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.tests.factories import token_for
from readiness.wsgi import application

# The promises under test. Not "negative data rejection": an empty filter such as
# `?submitted_before=` is read as no filter on purpose, as django-filter does.
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
    checks.ignored_auth,
]
# Enough examples to reach every branch of the validators, few enough for CI on two cores.
EXAMPLES_PER_OPERATION = 15


# Loaded at collection through the WSGI app, as a client would fetch it.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def role_tokens(users, world) -> dict[str, str]:
    """A token per signed-in role, with drafts, scored assessments and webhooks around them."""
    return {
        role: token_for(user)
        for role, user in users.items()
        if role in {"admin", "consultant", "manager"}
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract_for_every_role(
    case, role_tokens, keep_the_test_connection
):
    for token in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
