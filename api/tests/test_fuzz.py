"""schemathesis against the served /api/schema/, on a live server, for every role.

Every check schemathesis has (`--checks all`) in its examples, fuzzing and stateful phases (call
sequences that follow the links it infers: a create's Location and ids, a delete then a read),
bounded in time per role. Signed in as a consultant, a brand manager and an admin, each with a
real token and data around them, and anonymous. 0 failures.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from api.tests.factories import token_for
from api.throttling import FixedWindowUserThrottle

# The live server's database: flushed after the test, then restored with the benchmark the
# migrations load (as the browser tests do).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Seconds per role at most, one role after the other: the examples and fuzzing phases, then the
# stateful phase on its own budget (in one run it would get what the others left, often nothing).
# On an idle machine both finish well inside (about 20 s a role); a loaded one stops at the bound.
# Not the coverage phase: its boundary values of every parameter take 20 s a role on two cores.
STATELESS_SECONDS = 20
STATEFUL_SECONDS = 10
MAX_EXAMPLES = 5
ROLES = ["consultant", "manager", "admin", "anonymous"]
# Revoking a token: a run that revoked the one it sends answered 401 for the rest of its time,
# leaving every other operation untested (api/tests/test_tokens.py tests both).
REVOKING = [
    "--exclude-operation-id", "v1_auth_tokens_current_destroy",
    "--exclude-operation-id", "v1_auth_tokens_destroy",
]  # fmt: skip


@pytest.fixture
def served(live_server, world, monkeypatch, tmp_path) -> tuple[str, Path]:
    """The app on a live server, with drafts, scored assessments and webhooks in the database,
    and the schema it serves (fetched once: building it is a second of the server's time)."""
    # Thousands of requests a run: the per-user throttle is not under test here (test_throttle).
    monkeypatch.setitem(FixedWindowUserThrottle.THROTTLE_RATES, "user", "1000000/hour")
    answer = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert answer.status_code == 200
    schema = tmp_path / "schema.json"
    schema.write_bytes(answer.content)
    return live_server.url, schema


def schemathesis_run(
    base: str, schema: Path, headers: list[str], phases: str, seconds: int
) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG),
        "run", str(schema), "--url", base,
        "--checks", "all",
        "--phases", phases,
        "--max-examples", str(MAX_EXAMPLES),
        "--max-time", str(seconds),
        "--seed", "20261201",
        "--workers", "1",
        "--no-color",
        *REVOKING,
        *headers,
    ]  # fmt: skip
    # In the schema's folder: schemathesis keeps a cache of its own in the working directory.
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=10 * seconds,
        check=False,
        cwd=schema.parent,
    )


def ran(phase: str, output: str) -> bool:
    """The phase started and passed some tests (the exit code says none failed)."""
    found = re.search(rf"  {phase} \(in [0-9.]+s\)\n(.*?)\n\n(?! )", output, re.S)
    return found is not None and " passed" in found.group(1)


def test_schemathesis_finds_no_failure_for_any_role(served, users):
    base, schema = served
    for role in ROLES:  # in one test: the live server's database is set up once for the four
        user = users[role]
        for phases, seconds in (
            ("examples,fuzzing", STATELESS_SECONDS),
            ("stateful", STATEFUL_SECONDS),
        ):
            headers = [] if user is None else ["-H", f"Authorization: Token {token_for(user)}"]
            result = schemathesis_run(base, schema, headers, phases, seconds)
            output = result.stdout + result.stderr
            assert result.returncode == 0, f"{role}:\n{output[-20000:]}"
            for phase in phases.split(","):
                if phase != "examples":  # only operations with an example have one to send
                    assert ran(phase.capitalize(), output), f"{role}:\n{output[-5000:]}"
