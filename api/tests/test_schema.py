"""The OpenAPI schema validates without a warning, and its docs page needs no CDN."""

from __future__ import annotations

import re

from django.core.management import call_command


def test_the_openapi_schema_validates_without_warnings(db, tmp_path):
    # --fail-on-warn turns any warning (an untyped field, a guessed parameter) into an error.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/questionnaire/",
        "/api/v1/benchmark/",
        "/api/v1/assessments/{id}/report/",
        "/api/v1/webhooks/{id}/deliveries/",
    ]:
        assert f"{path}:" in schema
    assert "X-Readiness-Signature" in schema
    assert "count_capped:" in schema  # every paginated list says when its count stopped


def test_the_docs_page_loads_only_assets_served_by_the_project(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page should reference its Swagger UI assets"
    # Static files, and the start-up script the page's own URL serves (?script: no inline script).
    assert all(url.startswith(("/static/", "/api/docs/?script")) for url in assets), assets
    assert "cdn" not in html.lower() and "https://" not in html
