"""Production hardening that a user never sees until it is missing."""

from __future__ import annotations

import logging
import secrets
import subprocess
import sys

from django.test import Client
from django.urls import path

from tests.processes import ROOT


def boom(request):
    raise RuntimeError("secret internals: do not show me")


urlpatterns = [path("boom/", boom)]


def test_check_deploy_finds_nothing_to_fix_under_production_settings():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "readiness.example.com",
        "PATH": "/usr/bin:/bin",
    }
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_an_error_page_leaks_no_stack_trace(settings, db):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


def test_a_failed_login_never_logs_the_password(client, caplog, db):
    caplog.set_level(logging.DEBUG)
    password = "hunter2-very-private"
    client.post("/login/", {"username": "nobody", "password": password})
    assert password not in caplog.text


def test_behind_a_proxy_https_requests_are_not_redirected_again(settings, client, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/login/").status_code == 301
    assert client.get("/login/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
