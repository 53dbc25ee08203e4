"""The per-account ceiling: guesses spread over many addresses still lock the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from api.tests.errors import detail
from assessments.models import Profile
from assessments.tests.factories import UserFactory
from tests.processes import ROOT, spare_port

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def owner(settings):
    settings.ACCOUNT_FAILURE_LIMIT = 20
    settings.ACCOUNT_LOCKOUT_MINUTES = 30
    return UserFactory(username="li", email="li@example.com")


def login(password: str, address: str, username: str = "li", forwarded_for: str = ""):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return APIClient(REMOTE_ADDR=address, **headers).post(
        TOKEN, {"username": username, "password": password}, format="json"
    )


def spread_guesses(count: int, username: str = "li") -> None:
    for n in range(count):  # four guesses from each address: under axes' five per address
        assert login("wrong", f"198.51.100.{n // 4}", username).status_code == 401


def test_twenty_guesses_over_five_addresses_lock_the_account_everywhere(owner):
    spread_guesses(20)
    locked = login(PASSWORD, "203.0.113.99")  # the right password, from a fresh address
    assert locked.status_code == 429
    assert "account: it is locked for 30 minutes" in detail(locked)
    assert locked["Retry-After"] == str(30 * 60)


def test_nineteen_guesses_leave_the_account_open(owner):
    spread_guesses(19)
    assert login(PASSWORD, "203.0.113.99").status_code == 200


def test_the_owner_is_mailed_once_in_their_language_as_text_and_html(owner):
    Profile.objects.create(user=owner, language="zh-hans")
    spread_guesses(20)
    login("wrong", "203.0.113.98")  # refused while locked: no second mail
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.com"]
    assert "锁定" in message.subject
    assert "30" in message.body and "20" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'lang="zh-hans"' in html


def test_an_unknown_username_gets_the_same_lock_and_nobody_is_mailed(owner):
    spread_guesses(20, username="nobody")
    assert login("whatever", "203.0.113.99", username="nobody").status_code == 429
    assert mail.outbox == []


def test_a_lock_while_the_mail_relay_is_down_still_answers_and_holds(owner, settings, caplog):
    port = spare_port()  # nothing listens there: the relay refuses every mail
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    spread_guesses(20)  # the twentieth locks the account, and its notice is refused
    assert "A lockout notice could not be sent" in caplog.text
    assert login(PASSWORD, "203.0.113.99").status_code == 429


def test_the_lock_ends_after_the_cool_off(owner, monkeypatch):
    spread_guesses(20)
    later = timezone.now() + timedelta(minutes=31)
    monkeypatch.setattr("assessments.account_lockout.timezone.now", lambda: later)
    assert login(PASSWORD, "203.0.113.99").status_code == 200


def test_forged_x_forwarded_for_on_a_direct_connection_does_not_dodge_the_address_rule(
    owner, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    for n in range(5):  # one client writing a new address into the header each time
        login("wrong", "192.0.2.10", forwarded_for=f"203.0.113.{n}")
    assert login(PASSWORD, "192.0.2.10", forwarded_for="203.0.113.77").status_code == 429


def test_the_web_login_says_how_long_the_account_is_locked(owner, client):
    spread_guesses(20)
    response = client.post("/login/", {"username": "li", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked for 30 minutes" in response.content.decode()


def test_the_lockout_answer_is_in_the_page_language(owner, client):
    spread_guesses(20)
    response = client.post(
        "/login/", {"username": "li", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "30" in response.content.decode() and "锁定" in response.content.decode()


def test_compose_publishes_web_on_loopback_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port
