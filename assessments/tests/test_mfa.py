"""The second factor (issue 19, item 4): TOTP codes computed from the device's own key."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.tests.factories import token_for
from assessments.tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def staff_need_a_second_factor(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows (steps_ahead=1: the next one, as a code is accepted only once)."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=steps_ahead):06d}"


def log_in(client, username: str):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/account/security/enrol/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username=page.wsgi_request.user.username)
    done = client.post("/account/security/enrol/", {"code": code(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return device, codes


def test_an_admin_without_a_second_factor_cannot_reach_the_admin(client):
    AdminFactory(username="root")
    log_in(client, "root")
    page = client.get("/admin/")
    assert page.status_code == 302
    assert page["Location"] == "/account/security/enrol/?next=%2Fadmin%2F"
    assert client.get("/admin/assessments/edition/").status_code == 302
    assert client.get("/").status_code == 302  # every staff page, not the admin alone


def test_enrolment_shows_a_qr_code_the_csp_allows_and_opens_the_admin(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code follows a wrong one at once
    AdminFactory(username="root")
    log_in(client, "root")
    page = client.get("/account/security/enrol/?next=/admin/")
    html = page.content.decode()
    assert "<svg" in html and 'src="data:' not in html and "style=" not in html
    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    wrong = client.post("/account/security/enrol/", {"code": "000000", "next": "/admin/"})
    assert "This code is not right" in wrong.content.decode()
    done = client.post("/account/security/enrol/", {"code": code(device), "next": "/admin/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_each_login_then_asks_for_a_code(client):
    AdminFactory(username="root")
    log_in(client, "root")
    device, _ = enrol(client)
    client.post("/logout/")
    log_in(client, "root")
    assert client.get("/admin/")["Location"] == "/account/security/verify/?next=%2Fadmin%2F"
    wrong = client.post("/account/security/verify/", {"code": "123456", "next": "/admin/"})
    assert "This code is not right." in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code's wait is the throttle's test
    device.save()
    right = client.post("/account/security/verify/", {"code": code(device, 1), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_are_throttled(client):
    AdminFactory(username="root")
    log_in(client, "root")
    device, _ = enrol(client)
    client.post("/logout/")
    log_in(client, "root")
    client.post("/account/security/verify/", {"code": "111111"})
    again = client.post("/account/security/verify/", {"code": code(device, 1)})
    assert again.status_code == 429  # even the right code waits out the throttle
    assert "Too many wrong codes. Wait" in again.content.decode()


def test_a_recovery_code_logs_in_once(client):
    AdminFactory(username="root")
    log_in(client, "root")
    _, codes = enrol(client)
    client.post("/logout/")
    log_in(client, "root")
    used = client.post("/account/security/recovery/", {"code": codes[0], "next": "/admin/"})
    assert used["Location"] == "/admin/"
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    client.post("/logout/")
    log_in(client, "root")
    again = client.post("/account/security/recovery/", {"code": codes[0]})
    assert "This code is not right." in again.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_lost_device_is_removed_with_the_password_then_enrolled_again(client):
    AdminFactory(username="root")
    log_in(client, "root")
    enrol(client)
    kept = client.post("/account/security/remove/", {"password": "wrong"}, follow=True)
    assert "Your password is not right" in kept.content.decode()
    assert TOTPDevice.objects.filter(user__username="root").exists()
    client.post("/account/security/remove/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user__username="root").exists()
    assert not StaticToken.objects.filter(device__user__username="root").exists()
    assert client.get("/admin/")["Location"].startswith("/account/security/enrol/")


def test_an_admin_resets_a_device_in_the_admin():
    assert TOTPDevice in admin.site._registry


def test_an_enrolled_session_cannot_enrol_a_second_device_unverified(client):
    UserFactory(username="amy")
    log_in(client, "amy")
    enrol(client)
    client.post("/logout/")
    log_in(client, "amy")
    page = client.get("/account/security/enrol/")
    assert page["Location"] == "/account/security/verify/"
    assert TOTPDevice.objects.filter(user__username="amy").count() == 1


def test_the_second_factor_is_optional_for_others_and_then_required(client):
    UserFactory(username="amy")
    log_in(client, "amy")
    assert client.get("/").status_code == 200
    assert client.get("/account/security/").status_code == 200
    enrol(client)
    client.post("/logout/")
    log_in(client, "amy")
    assert client.get("/")["Location"] == "/account/security/verify/?next=%2F"


def test_api_tokens_are_unaffected_and_unverified_sessions_refused(client):
    root = AdminFactory(username="root")
    log_in(client, "root")
    enrol(client)
    client.post("/logout/")
    token = token_for(root)
    answer = client.get("/api/v1/assessments/", HTTP_AUTHORIZATION=f"Token {token}")
    assert answer.status_code == 200
    log_in(client, "root")
    assert client.get("/api/v1/assessments/").status_code == 403


def test_the_verify_page_speaks_chinese(client):
    UserFactory(username="amy")
    log_in(client, "amy")
    enrol(client)
    client.post("/logout/")
    log_in(client, "amy")
    page = client.get("/account/security/verify/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "两步登录" in page.content.decode()


def test_a_device_an_admin_removed_leads_to_enrolment_again(client):
    AdminFactory(username="root")
    log_in(client, "root")
    enrol(client)
    client.post("/logout/")
    log_in(client, "root")
    TOTPDevice.objects.filter(user__username="root").delete()  # the admin's "delete" action
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/account/security/enrol/")


def test_the_rule_costs_no_query_per_page(client, django_assert_num_queries):
    UserFactory(username="amy")
    log_in(client, "amy")
    client.get("/account/")
    with django_assert_num_queries(4):  # session, user, profile, can-invite: none for devices
        client.get("/account/")
