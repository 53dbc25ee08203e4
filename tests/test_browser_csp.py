"""The strict Content-Security-Policy in a real browser: every page works, nothing is refused.

Chromium reports each refused script, style or image on the console; a page that needs an inline
script (or Swagger UI an image the policy forbids) would log one there.
"""

from __future__ import annotations

import pytest

from assessments.models import Category, Edition
from assessments.tests import factories
from assessments.tests.factories import AdminFactory, BrandFactory, manager_of
from tests.test_browser import PASSWORD, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch(page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_swagger_ui_renders_under_the_csp(live_server, tidy_connections, browser):
    page = browser.new_page()
    refused = watch(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for(timeout=15000)
    assert "readiness API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 5
    assert refused == []


def test_the_web_pages_run_their_scripts_under_the_csp(
    live_server,
    tidy_connections,
    browser,
    django_capture_on_commit_callbacks,
):
    beauty = Category.objects.get(slug="beauty")
    lotus = BrandFactory(name="Lotus Skin", default_category=beauty)
    other = BrandFactory(name="Oak Watches", default_category=Category.objects.get(slug="cpg"))
    user = manager_of(lotus, other, username="lin")
    scored = factories.scored_assessment(
        brand=lotus, category=beauty, maturity=0.5, capture=django_capture_on_commit_callbacks
    )
    page = browser.new_page()
    refused = watch(page)
    log_in(page, live_server.url, user.username)

    page.goto(f"{live_server.url}/assessments/new/")
    page.get_by_label("Brand").select_option(str(other.pk))
    # static/js/start.js: picking a brand preselects its default category.
    assert page.get_by_label("Category").input_value() == str(other.default_category_id)

    page.goto(f"{live_server.url}/assessments/{scored.pk}/report/")
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.locator("[data-print]").click()
    assert page.locator("body").get_attribute("data-printed") == "yes"
    assert refused == []

    # The edition admin's own templates: their inline styles moved to static/css/admin.css.
    admin = AdminFactory(username="root")
    admin.set_password(PASSWORD)
    admin.save()
    page = browser.new_context().new_page()
    refused = watch(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/assessments/edition/{Edition.objects.current().pk}/change/")
    form = page.locator("form.inline-form").first
    assert form.evaluate("f => getComputedStyle(f).display") == "inline"
    assert refused == []
