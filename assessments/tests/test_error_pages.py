"""Error pages and the login lockout in the site's layout, in both languages, with a way back."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation

from api import error_views
from assessments.tests.factories import AssessmentFactory, UserFactory, consultant_for

pytestmark = pytest.mark.django_db


def _branded(html: str, language: str) -> None:
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html
    assert "<title>" in html and "· readiness</title>" in html


@pytest.mark.parametrize(
    "language, heading",
    [("en", "Page not found"), ("zh-hans", "页面不存在")],
)
def test_a_missing_page_is_a_branded_404_in_the_users_language(client, language, heading):
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    _branded(html, language)
    assert heading in html
    assert 'href="/"' in html  # a way back


def test_a_forbidden_action_is_a_branded_403_that_says_why(client, brand, edition):
    draft = AssessmentFactory(brand=brand)
    client.force_login(consultant_for(brand))
    response = client.get(f"/assessments/{draft.pk}/steps/messaging/")
    html = response.content.decode()
    assert response.status_code == 403
    _branded(html, "en")
    assert "only a brand&#x27;s managers answer" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_requests_and_server_errors_get_branded_pages(language):
    request = RequestFactory().get("/somewhere/")
    with translation.override(language):
        bad = error_views.bad_request(request, Exception("x"))
        broken = error_views.server_error(request)
    assert bad.status_code == 400 and broken.status_code == 500
    for response in (bad, broken):
        _branded(response.content.decode(), language)


@pytest.mark.parametrize(
    "language, words",
    [("en", ["Too many failed logins", "locked for 120 minutes", "Back to the login page"]),
     ("zh-hans", ["登录失败次数过多", "锁定 120 分钟", "返回登录页"])],
)  # fmt: skip
def test_the_lockout_page_says_for_how_long_and_leads_back_to_login(
    client, settings, language, words
):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = 2
    UserFactory(username="li")
    client.cookies["django_language"] = language
    for _ in range(3):
        response = client.post("/login/", {"username": "li", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == str(2 * 3600)
    _branded(html, language)
    for word in words:
        assert word in html
    assert 'href="/login/"' in html
