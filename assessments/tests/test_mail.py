"""Mail over real SMTP (aiosmtpd on loopback), configured the way settings read EMAIL_URL."""

from __future__ import annotations

import email
import re
import socket
import subprocess
import sys
from email.policy import default as default_policy

import dj_email_url
import pytest
from aiosmtpd.controller import Controller

from assessments import invitations
from assessments.account_lockout import failure_record
from assessments.models import Profile
from assessments.tests.factories import BrandFactory, UserFactory, consultant_for
from tests.processes import ROOT

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in dj_email_url.parse(f"smtp://127.0.0.1:{port}").items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = "readiness <noreply@readiness.example.com>"
    yield inbox
    controller.stop()


def test_a_lockout_notice_goes_out_over_smtp_in_chinese_as_text_and_html(smtp, settings):
    settings.ACCOUNT_FAILURE_LIMIT = 3
    owner = UserFactory(username="wang", email="wang@example.com")
    Profile.objects.create(user=owner, language="zh-hans")
    for _ in range(3):
        failure_record("wang")
    [message] = smtp.messages
    assert message["To"] == "wang@example.com"
    assert message["From"] == "readiness <noreply@readiness.example.com>"
    assert "锁定" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "wang，您好" in text and "<p>" not in text
    assert 'lang="zh-hans"' in html and "<p>" in html


def test_an_english_speaker_gets_english(smtp, settings):
    settings.ACCOUNT_FAILURE_LIMIT = 1
    UserFactory(username="amy", email="amy@example.com")
    failure_record("amy")
    assert smtp.messages[0]["Subject"] == "Your readiness account is locked for a while"


def settings_value(code: str, **env: str) -> str:
    env = {"SECRET_KEY": "x" * 60, "PATH": "/usr/bin:/bin", **env}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print(*({code},))",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "readiness.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_email_url_configures_smtp_with_tls():
    value = settings_value(
        "settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS",
        DEBUG="false",
        EMAIL_URL="smtp://mailer:s3cret@smtp.example.com:587/?tls=True",
    )
    assert value == "django.core.mail.backends.smtp.EmailBackend smtp.example.com 587 True"


def test_development_prints_mail_to_the_console_by_default():
    value = settings_value("settings.EMAIL_BACKEND", DEBUG="true")
    assert value == "django.core.mail.backends.console.EmailBackend"


def link_in(message, pattern: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://testserver({pattern})", text)[1]


def test_a_reset_link_sent_over_smtp_sets_the_password(smtp, settings, client):
    settings.SITE_URL = "http://testserver"
    user = UserFactory(username="amy", email="amy@example.com")
    client.post("/password/reset/", {"email": "amy@example.com"})
    [message] = smtp.messages
    form = client.get(link_in(message, r"/password/reset/\S+/\S+/"), follow=True)
    new = "lantern-orchard-quietly-7"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_an_invitation_sent_over_smtp_opens_an_account(
    smtp, settings, client, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    lotus = BrandFactory(slug="lotus", name="Lotus Skin")
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite(
            inviter=consultant_for(lotus),
            email="nina@example.com",
            brand=lotus,
            role="manager",
            language="zh-hans",
        )
    [message] = smtp.messages
    assert message["To"] == "nina@example.com" and "Lotus Skin" in message["Subject"]
    new = "lantern-orchard-quietly-7"
    form = {"username": "nina", "password1": new, "password2": new}
    landed = client.post(link_in(message, r"/join/\S+/"), form, follow=True)
    assert landed.redirect_chain[-1][0] == "/" and "Lotus Skin" in landed.content.decode()
