"""Invitation, password reset and two-step enrolment in a real browser, at phone and desktop sizes.

Mail goes over real SMTP to a server the test starts on loopback (aiosmtpd); the browser follows
the links it holds. Any Content-Security-Policy violation on the way fails the test.
"""

from __future__ import annotations

import re

import pytest
from django.db import connections
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.tests.factories import AdminFactory, BrandFactory, UserFactory, consultant_for
from assessments.tests.test_mail import smtp  # noqa: F401 (the fixture)
from tests.test_browser import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
NEW = "lantern-orchard-quietly-7"


@pytest.fixture(params=list(SIZES))
def page(request, live_server, browser, settings):
    settings.SITE_URL = live_server.url
    settings.MFA_REQUIRED_FOR_STAFF = True
    connections.close_all()  # any left by an earlier browser test (see below)
    context = browser.new_context(viewport=SIZES[request.param])
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    # The test's own queries, made while Playwright's event loop runs, went through a connection
    # of their own: closed here, it neither outlives the test nor blocks dropping the database.
    connections.close_all()
    assert violations == []


def link(smtp, pattern: str) -> str:  # noqa: F811
    text = smtp.messages[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(pattern, text)[0]


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_an_invitee_follows_the_mailed_link_to_their_dashboard(page, live_server, smtp):  # noqa: F811
    base = live_server.url
    lotus = BrandFactory(slug="lotus", name="Lotus Skin")
    consultant_for(lotus, username="cora")
    log_in(page, base, "cora")
    page.goto(f"{base}/invitations/")
    page.get_by_label("Email address").fill("nina@example.com")
    page.get_by_label("Brand").select_option(label="Lotus Skin")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to nina@example.com for Lotus Skin.").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.goto(link(smtp, r"http://\S+/join/\S+/"))
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Password", exact=True).fill(NEW)
    page.get_by_label("Password confirmation").fill(NEW)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/")
    page.get_by_text("Welcome! You now have access to Lotus Skin.").wait_for()


def test_a_forgotten_password_is_reset_from_the_mailed_link(page, live_server, smtp):  # noqa: F811
    base = live_server.url
    UserFactory(username="amy", email="amy@example.com")
    page.goto(f"{base}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email address").fill("amy@example.com")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.goto(link(smtp, r"http://\S+/password/reset/\S+/\S+/"))
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_role("button", name="Set my password").click()
    page.get_by_role("heading", name="Password changed").wait_for()
    log_in(page, base, "amy", NEW)
    page.wait_for_url(f"{base}/")


def test_an_admin_sets_up_two_step_login_before_reaching_the_admin(page, live_server):
    base = live_server.url
    AdminFactory(username="root")
    log_in(page, base, "root")
    page.goto(f"{base}/admin/")
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    assert page.locator(".qr svg").is_visible()
    device = TOTPDevice.objects.get(user__username="root")
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Turn on two-step login").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="I saved them: continue").click()
    page.wait_for_url(f"{base}/admin/")
