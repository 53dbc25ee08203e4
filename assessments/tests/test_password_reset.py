"""Password reset by email, the profile page and password change (issue 19, item 3)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from assessments.models import Profile
from assessments.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = "lantern-orchard-quietly-7"
LINK = re.compile(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)")
SAME_ANSWER = "If an account uses this address, we have sent it a link"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def ask(client, email: str, **headers):
    return client.post("/password/reset/", {"email": email}, follow=True, **headers)


def reset_link(message) -> str:
    return LINK.search(message.body)[1]


def test_a_reset_by_email_sets_the_new_password_and_the_link_works_once(client):
    user = UserFactory(username="amy", email="amy@example.com")
    assert SAME_ANSWER in ask(client, "AMY@example.com").content.decode()
    [message] = mail.outbox
    assert message.to == ["amy@example.com"]
    assert message.alternatives[0][1] == "text/html"
    form = client.get(reset_link(message), follow=True)  # Django swaps the token for a session
    assert b"Choose a new password" in form.content and b"new_password1" in form.content
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert b"Your new password is set" in done.content
    user.refresh_from_db()
    assert user.check_password(NEW)
    again = client.get(reset_link(message), follow=True)
    assert b"has expired or has already been used" in again.content
    assert b"new_password1" not in again.content


def test_known_and_unknown_addresses_get_the_same_answer(client):
    UserFactory(username="amy", email="amy@example.com")
    known = ask(client, "amy@example.com")
    unknown = ask(client, "nobody@example.com")
    assert known.redirect_chain == unknown.redirect_chain == [("/password/reset/sent/", 302)]
    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')  # masked anew each time
    assert csrf.sub(b"", known.content) == csrf.sub(b"", unknown.content)
    assert len(mail.outbox) == 1


def test_an_expired_link_says_so(client, settings):
    UserFactory(username="amy", email="amy@example.com")
    ask(client, "amy@example.com")
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now older than the timeout
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    assert b"has expired or has already been used" in page.content


def test_a_weak_new_password_is_refused_with_the_reason(client):
    user = UserFactory(username="amy", email="amy@example.com")
    ask(client, "amy@example.com")
    form = client.get(reset_link(mail.outbox[0]), follow=True)
    page = client.post(
        form.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert "This password is too common." in page.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")


def test_not_an_email_address_names_the_field(client):
    page = client.post("/password/reset/", {"email": "amy"})
    assert page.status_code == 200
    assert "Enter a valid email address." in page.content.decode()
    assert mail.outbox == []


def test_requests_are_throttled_per_address_asked_for(client, settings):
    settings.PASSWORD_RESET_PER_EMAIL_HOUR = 2
    UserFactory(username="amy", email="amy@example.com")
    for _ in range(2):
        ask(client, "amy@example.com")
    page = client.post("/password/reset/", {"email": "amy@example.com"})
    assert page.status_code == 429
    assert "Too many reset requests" in page.content.decode()
    # Unknown addresses count alike: the throttle tells nothing about which exist.
    for _ in range(2):
        ask(client, "ghost@example.com")
    assert client.post("/password/reset/", {"email": "ghost@example.com"}).status_code == 429
    assert len(mail.outbox) == 2


def test_requests_are_throttled_per_client_address(client, settings):
    settings.PASSWORD_RESET_PER_CLIENT_HOUR = 3
    for n in range(3):
        ask(client, f"person{n}@example.com")
    assert client.post("/password/reset/", {"email": "another@example.com"}).status_code == 429


def test_the_mail_is_in_the_recipients_language(client):
    user = UserFactory(username="wang", email="wang@example.com")
    Profile.objects.create(user=user, language="zh-hans")
    ask(client, "wang@example.com")  # asked from an English page
    [message] = mail.outbox
    assert "密码" in message.subject
    assert "wang，您好" in message.body


def test_the_reset_pages_speak_chinese(client):
    page = client.get("/password/reset/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "重置密码" in page.content.decode()


def test_the_profile_changes_the_password_with_the_validators(client):
    user = UserFactory(username="amy")
    client.force_login(user)
    weak = client.post(
        "/account/password/",
        {"old_password": "correct-horse-battery", "new_password1": "amy1", "new_password2": "amy1"},
    )
    assert "This password is too short." in weak.content.decode()
    page = client.post(
        "/account/password/",
        {"old_password": "correct-horse-battery", "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert page.redirect_chain[-1][0] == "/account/"
    assert b"Your password is changed." in page.content
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_the_profile_sets_the_language_of_the_site_and_the_mail(client):
    user = UserFactory(username="amy")
    client.force_login(user)
    page = client.post("/account/", {"language": "zh-hans"}, follow=True)
    assert Profile.objects.get(user=user).language == "zh-hans"
    assert client.cookies["django_language"].value == "zh-hans"
    assert 'lang="zh-hans"' in page.content.decode()
    bad = client.post("/account/", {"language": "fr"})
    assert bad.status_code == 200 and Profile.objects.get(user=user).language == "zh-hans"


def test_the_login_page_links_to_the_reset(client):
    assert b'href="/password/reset/"' in client.get("/login/").content


def test_the_request_only_queues_the_mail_so_its_answer_takes_no_longer_for_a_known_address(
    client, monkeypatch
):
    # Sent in the request, the SMTP conversation timed which addresses have accounts.
    from assessments import tasks

    queued = []
    monkeypatch.setattr(
        tasks.send_reset_mail_task, "apply_async", lambda args, **kw: queued.append(args) or 1
    )
    user = UserFactory(username="amy", email="amy@example.com")
    ask(client, "amy@example.com")
    ask(client, "nobody@example.com")
    assert mail.outbox == [] and queued == [(user.pk, "en")]
    tasks.send_reset_mail_task(*queued[0])  # as the worker runs it
    [message] = mail.outbox
    form = client.get(reset_link(message), follow=True)  # the link the worker made works
    assert b"Choose a new password" in form.content


def test_with_no_broker_answering_the_mail_goes_out_from_the_request(client, monkeypatch):
    from assessments import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_reset_mail_task, "apply_async", unreachable)
    UserFactory(username="amy", email="amy@example.com")
    assert SAME_ANSWER in ask(client, "amy@example.com").content.decode()
    assert len(mail.outbox) == 1
