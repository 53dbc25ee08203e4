"""What the test session changes from production (conftest.py), and that production keeps it."""

from __future__ import annotations

from django.conf import global_settings

import readiness.settings
from assessments.tests.factories import UserFactory


def test_test_users_get_the_fast_hasher_outside_the_api_tests_too(db):
    user = UserFactory()
    assert user.password.startswith("md5$")
    assert user.check_password("correct-horse-battery")


def test_production_keeps_djangos_slow_hasher():
    # settings.py leaves the hashers to Django, whose first (the one new passwords use) is PBKDF2.
    assert not hasattr(readiness.settings, "PASSWORD_HASHERS")
    assert global_settings.PASSWORD_HASHERS[0].endswith(".PBKDF2PasswordHasher")
