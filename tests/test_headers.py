"""The headers a security review checks, on every kind of page the service answers."""

from __future__ import annotations

import pytest
from django.test import Client

from api.tests.factories import token_for
from assessments.models import Category
from assessments.tests import factories
from assessments.tests.factories import AdminFactory, BrandFactory, manager_of

pytestmark = pytest.mark.django_db

STRICT_CSP = [
    "default-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
]


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    brand = BrandFactory()
    manager = manager_of(brand)
    assessment = factories.scored_assessment(
        brand=brand,
        category=Category.objects.get(slug="beauty"),
        maturity=0.5,
        capture=django_capture_on_commit_callbacks,
        user=manager,
    )
    return {"manager": manager, "assessment": assessment, "admin": AdminFactory()}


def pages(world) -> dict[str, tuple[str, str, bool]]:
    """name: (who, path, private): each kind of page, with whether its answer is private."""
    pk = world["assessment"].pk
    return {
        "login page": ("anonymous", "/login/", False),
        "not found page": ("anonymous", "/no-such-page/", False),
        "dashboard": ("manager", "/", False),
        "questionnaire": ("manager", f"/assessments/{pk}/", False),
        "report": ("manager", f"/assessments/{pk}/report/", True),
        "report PDF": ("manager", f"/assessments/{pk}/report.pdf", True),
        "report CSV": ("manager", f"/assessments/{pk}/report.csv", True),
        "admin": ("admin", "/admin/", False),
        "API list": ("token", "/api/v1/assessments/", True),
        "API export": ("token", "/api/v1/assessments/?format=csv", True),
        "API report": ("token", f"/api/v1/assessments/{pk}/report/", True),
        "API error": ("anonymous", "/api/v1/assessments/", True),
        "API docs": ("anonymous", "/api/docs/", True),
        "health": ("anonymous", "/health/", False),
        "password reset": ("anonymous", "/password/reset/", False),
        "profile": ("manager", "/account/", False),
        "two-step enrolment": ("manager", "/account/security/enrol/", True),
        "invitations": ("admin", "/invitations/", False),
    }


def client_for(who: str, world) -> Client:
    client = Client()
    if who == "token":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token_for(world['manager'])}"
    elif who != "anonymous":
        client.force_login(world[who])
    return client


@pytest.mark.parametrize(
    "name",
    [
        "login page",
        "not found page",
        "dashboard",
        "questionnaire",
        "report",
        "report PDF",
        "report CSV",
        "admin",
        "API list",
        "API export",
        "API report",
        "API error",
        "API docs",
        "health",
        "password reset",
        "profile",
        "two-step enrolment",
        "invitations",
    ],
)
def test_every_kind_of_page_carries_the_security_headers(world, name):
    who, path, private = pages(world)[name]
    response = client_for(who, world).get(path, follow=False)
    assert response.status_code in {200, 302, 401, 404}, response.status_code
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    for directive in STRICT_CSP:
        assert directive in directives, (name, directives)
    assert not any("unsafe-inline" in d or "unsafe-eval" in d for d in directives)
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    if private:
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, (name, cache_control)


def test_only_the_api_docs_may_load_data_images():
    docs = Client().get("/api/docs/")["Content-Security-Policy"]
    login = Client().get("/login/")["Content-Security-Policy"]
    assert "img-src 'self' data:" in docs
    assert "img-src" not in login and "data:" not in login


def test_no_template_holds_inline_script_style_or_handler():
    from pathlib import Path

    from tests.processes import ROOT

    offenders = []
    for template in Path(ROOT, "templates").rglob("*.html"):
        if template.name == "report_pdf.html":
            continue  # read by WeasyPrint to draw the PDF, never by a browser
        text = template.read_text(encoding="utf-8")
        for marker in ("<script>", "<style", " style=", " onclick=", " onchange=", " onsubmit="):
            if marker in text:
                offenders.append(f"{template.relative_to(ROOT)}: {marker.strip()}")
    assert offenders == []


def test_the_language_cookie_is_samesite_and_script_proof(settings):
    response = Client().post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


def test_the_language_cookie_is_secure_in_production():
    import subprocess
    import sys

    from tests.processes import ROOT

    code = "from django.conf import settings; print(settings.LANGUAGE_COOKIE_SECURE)"
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "readiness.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "True", out.stderr
