"""/api/v1/invitations/: list, create and revoke, scoped like the web page (issue 19, item 2)."""

from __future__ import annotations

import pytest
from django.core import mail

from api.tests.conftest import token_client
from api.tests.errors import fields
from assessments.models import Invitation, Membership
from assessments.tests.factories import (
    AdminFactory,
    BrandFactory,
    UserFactory,
    consultant_for,
    manager_of,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/invitations/"


@pytest.fixture
def lotus(db):
    return BrandFactory(slug="lotus")


@pytest.fixture
def consultant(lotus):
    return consultant_for(lotus)


def create(client, **data):
    body = {"email": "new@example.com", "brand": "lotus", "role": "manager", **data}
    return client.post(URL, body, format="json")


def test_a_consultant_invites_lists_and_revokes(
    consultant, lotus, django_capture_on_commit_callbacks
):
    client = token_client(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        made = create(client, language="zh-hans")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["email"] == "new@example.com" and body["brand"] == "lotus"
    assert body["status"] == "pending" and body["language"] == "zh-hans"
    assert "token" not in str(body)
    assert mail.outbox[0].to == ["new@example.com"] and "受邀加入" in mail.outbox[0].subject
    listed = client.get(URL).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert client.delete(f"{URL}{body['id']}/").status_code == 204
    # Revoked is deleted as far as the API goes: neither found nor listed.
    assert client.get(f"{URL}{body['id']}/").status_code == 404
    assert client.get(URL).json()["results"] == []
    assert Invitation.objects.get(pk=body["id"]).revoked_at is not None


def test_an_accepted_invitation_cannot_be_revoked(consultant, lotus):
    UserFactory(username="amy", email="amy@example.com")
    client = token_client(consultant)
    made = create(client, email="amy@example.com", role="consultant").json()
    response = client.delete(f"{URL}{made['id']}/")
    assert response.status_code == 409
    assert client.get(f"{URL}{made['id']}/").json()["status"] == "accepted"


def test_inviting_an_existing_user_adds_the_membership(consultant, lotus):
    amy = UserFactory(username="amy", email="amy@example.com")
    made = create(token_client(consultant), email="AMY@example.com", role="consultant")
    assert made.status_code == 201 and made.json()["status"] == "accepted"
    assert Membership.objects.get(user=amy, brand=lotus).role == "consultant"


def test_bad_input_names_the_field_and_saves_nothing(consultant):
    client = token_client(consultant)
    for field, value in [("email", "not-an-address"), ("role", "owner"), ("brand", "nope")]:
        answer = create(client, **{field: value})
        assert answer.status_code == 400 and field in fields(answer), answer.content
    assert not Invitation.objects.exists()


def test_scoped_by_the_access_rule(consultant, lotus):
    other = BrandFactory(slug="other")
    create(token_client(AdminFactory()), brand="other")
    mine = create(token_client(consultant)).json()
    assert create(token_client(consultant), brand="other").status_code == 400
    assert [r["id"] for r in token_client(consultant).get(URL).json()["results"]] == [mine["id"]]
    theirs = Invitation.objects.get(brand=other)
    assert token_client(consultant).delete(f"{URL}{theirs.pk}/").status_code == 404
    assert len(token_client(AdminFactory(username="root")).get(URL).json()["results"]) == 2
    manager = token_client(manager_of(lotus))
    assert manager.get(URL).json()["results"] == []
    assert create(manager).status_code == 400
    assert token_client().get(URL).status_code == 401
