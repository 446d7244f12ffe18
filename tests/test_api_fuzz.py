"""No server error from any input: schemathesis over the whole API schema, as several roles.

Every operation of `/api/openapi.json` gets generated requests, valid by the schema and not,
sent with each role's API token through the real WSGI application (the test database). The
run must find no server error (5xx) and no answer outside the schema (undocumented status,
wrong content type, body that does not match). It prints how many requests it sent.
Run as its own leg of scripts/test (`-m fuzz`); a few minutes at most.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from saram.api import api
from saram.core.models import Role
from saram.core.tokens import issue_token

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("SARAM_FUZZ_EXAMPLES", "3"))  # per operation, role and mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = [
    (Role.WELFARE_OFFICER, "dong"),
    (Role.COMMITTEE_MEMBER, "dong"),
    (Role.CITY_ADMIN, None),
    (Role.PROCUREMENT_OFFICER, None),
    (Role.CITIZEN, None),
]


def test_no_input_gives_a_server_error_or_leaves_the_schema(
    make_user: Any, dong: Any, make_person: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # The WSGI handler closes the connection after each request; the test database lives in it
    # (Django's test client does the same).
    signals.request_finished.disconnect(close_old_connections)
    signals.request_started.disconnect(close_old_connections)
    try:
        _run(make_user, dong, make_person, capsys)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _run(make_user: Any, dong: Any, make_person: Any, capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        make_person(dong, name=f"주민{n}")
    tokens = {
        role: issue_token(user=make_user(role, dong if area else None), name="fuzz")
        for role, area in ROLES
    }
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = get_wsgi_application()
    sent: Counter[int] = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for role, key in tokens.items():
            takes_input = any(
                len(part) for part in (operation.path_parameters, operation.query, operation.body)
            )
            modes = [GenerationMode.POSITIVE] + [GenerationMode.NEGATIVE] * takes_input
            for mode in modes:
                label = f"{role} {operation.label} {mode}"
                _fuzz(operation, mode, label, {"Authorization": f"Token {key}"}, sent, failures)
    server_errors = sum(n for status, n in sent.items() if status >= 500)
    with capsys.disabled():
        print(
            f"\nschemathesis: {sum(sent.values())} requests over {len(operations)} operations "
            f"as {len(tokens)} roles; server errors: {server_errors}; "
            f"schema violations: {len(failures)}; statuses: {dict(sorted(sent.items()))}"
        )
    assert server_errors == 0 and failures == [], "\n".join(dict.fromkeys(failures))


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    label: str,
    headers: dict[str, str],
    sent: Counter[int],
    failures: list[str],
) -> None:
    """Send EXAMPLES generated requests for one operation, role and mode; note every finding."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        sent[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # collected: all are reported at once
            failures.append(
                f"{label} -> {response.status_code}: {' '.join(str(exc).split())[:400]}"
            )

    try:
        run()
    except Unsatisfiable:
        pass  # nothing can break this operation's schema (e.g. it takes no parameters)
    except (Exception, BaseExceptionGroup) as exc:  # a generation problem is a finding too
        failures.append(f"{label}: {exc!r}"[:400])
