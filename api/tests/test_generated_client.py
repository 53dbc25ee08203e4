"""A client generated from the served schema (openapi-python-client) runs the consultant workflow.

The schema is what a client developer has: if it says a download is JSON, or declares a
response the generator cannot read, the generated client breaks. So the test fetches
/api/schema/ from a live server, generates a client with no warnings, imports it and goes
through the workflow with it, downloads included, each read as bytes.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from api.tests.factories import token_for
from assessments.demo import answers_at

# The live server's database: flushed after the test, then restored with the benchmark the
# migrations load (as the browser tests do).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated(live_server, tmp_path, monkeypatch):
    """The generated package, importable; the generator's output, to check for warnings."""
    schema = tmp_path / "schema.json"
    answer = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert answer.status_code == 200
    schema.write_bytes(answer.content)
    out = tmp_path / "client"
    # The generator formats its output with ruff, which is beside it in the virtualenv.
    monkeypatch.setenv("PATH", f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run(
        [GENERATOR, "generate", "--path", schema, "--output-path", out, "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    monkeypatch.syspath_prepend(str(out.parent))
    yield result
    for name in [name for name in sys.modules if name.split(".")[0] == "client"]:
        del sys.modules[name]


def api(name: str):
    return importlib.import_module(f"client.api.{name}")


def test_the_generated_client_runs_the_consultant_workflow(
    generated, live_server, consultant, world, spec
):
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output
    from client import AuthenticatedClient
    from client.models import AssessmentCreate, PatchedAssessmentUpdate

    answers = {str(key): value for key, value in answers_at(spec, 0.5).items()}
    client = AuthenticatedClient(
        base_url=live_server.url, token=token_for(consultant), prefix="Token"
    )
    with client:
        listed = api("assessments.v1_assessments_list").sync(client=client)
        assert {row.id for row in listed.results} == {world["own_draft"], world["own_scored"]}
        scored = world["own_scored"]
        detail = api("assessments.v1_assessments_retrieve").sync(id=scored, client=client)
        assert detail.id == scored and detail.status.value == "scored"
        report = api("assessments.v1_assessments_report_retrieve").sync(id=scored, client=client)
        assert report.pillars and report.recommendations is not None
        plan = api("assessments.v1_assessments_plan_retrieve").sync(id=scored, client=client)
        assert plan.target is not None

        body = AssessmentCreate.from_dict(
            {"brand": "own-brand", "category": "beauty", "answers": dict(list(answers.items())[:2])}
        )
        created = api("assessments.v1_assessments_create").sync(client=client, body=body)
        assert created.status.value == "draft"
        patch = PatchedAssessmentUpdate.from_dict(
            {"answers": answers, "version": created.version, "submit": True}
        )
        updated = api("assessments.v1_assessments_partial_update").sync(
            id=created.id, client=client, body=patch
        )
        assert updated.version > created.version and updated.status.value != "draft"

        report_file = {
            fmt: api(f"assessments.assessments_report_{fmt}").sync_detailed(
                id=scored, client=client
            )
            for fmt in ("pdf", "xlsx", "csv")
        }
        files = {
            **report_file,
            "list.csv": api("assessments.assessments_export_csv").sync_detailed(client=client),
            "list.xlsx": api("assessments.assessments_export_xlsx").sync_detailed(client=client),
        }
    assert all(response.status_code == 200 for response in files.values()), files
    assert files["pdf"].parsed.payload.read().startswith(b"%PDF")
    assert files["xlsx"].parsed.payload.read().startswith(b"PK")
    assert files["list.xlsx"].parsed.payload.read().startswith(b"PK")
    assert files["csv"].content.startswith(b"section,")
    assert files["list.csv"].content.startswith(b"id,brand,brand_slug,category,status,")
    assert files["list.csv"].content.count(b"\n") == 1 + 3  # the header, and 3 assessments
