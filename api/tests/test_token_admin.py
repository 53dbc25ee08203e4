"""The admin lists every API token (never its value or digest) and revokes them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api import tokens
from api.models import ApiToken
from assessments.tests.factories import AdminFactory, UserFactory

QUESTIONNAIRE = "/api/v1/questionnaire/"


@pytest.fixture
def staff(db) -> Client:
    client = Client()
    client.force_login(AdminFactory(username="root"))
    return client


@pytest.fixture
def made(db) -> tuple[ApiToken, str]:
    return tokens.token_create(user=UserFactory(username="mei"), name="nightly export")


def test_the_list_shows_prefix_name_and_owner_but_no_secret(
    staff, made, django_assert_max_num_queries
):
    token, value = made
    tokens.token_create(user=UserFactory(), name="another")
    with django_assert_max_num_queries(15):
        page = staff.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert token.prefix in page and "nightly export" in page and "mei" in page
    assert value not in page and token.digest not in page
    form = staff.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert token.prefix in form and value not in form and token.digest not in form


def test_an_admin_cannot_make_a_token_whose_value_nobody_would_see(staff):
    assert staff.get(reverse("admin:api_apitoken_add")).status_code == 403


def test_deleting_in_the_admin_revokes_at_once(staff, made):
    token, value = made
    api = APIClient(HTTP_AUTHORIZATION=f"Token {value}")
    assert api.get(QUESTIONNAIRE).status_code == 200  # its lookup is cached now
    url = reverse("admin:api_apitoken_delete", args=[token.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert api.get(QUESTIONNAIRE).status_code == 401


def test_the_bulk_delete_action_revokes_every_selected_token(staff, made):
    token, value = made
    api = APIClient(HTTP_AUTHORIZATION=f"Token {value}")
    api.get(QUESTIONNAIRE)
    body = {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"}
    staff.post(reverse("admin:api_apitoken_changelist"), body)
    assert api.get(QUESTIONNAIRE).status_code == 401
