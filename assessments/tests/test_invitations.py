"""Invitations on the web (issue 19, item 2): invite, accept once, expire, re-send, revoke."""

from __future__ import annotations

import re
import socket

import pytest
from celery.exceptions import Retry
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from assessments import invitations
from assessments.models import Invitation, Membership, Profile
from assessments.tasks import send_invitation_mail_task
from assessments.tests.factories import (
    AdminFactory,
    BrandFactory,
    UserFactory,
    consultant_for,
    manager_of,
)

pytestmark = pytest.mark.django_db

NEW = "lantern-orchard-quietly-7"
LINK = re.compile(r"http://testserver(/join/[^/\s]+/)")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def lotus(db):
    return BrandFactory(slug="lotus", name="Lotus Skin")


@pytest.fixture
def consultant(lotus):
    return consultant_for(lotus, username="cora")


def invite(client, brand, email="new@example.com", role="manager", language="en"):
    form = {"email": email, "brand": brand.pk, "role": role, "language": language}
    return client.post("/invitations/", form, follow=True)


@pytest.fixture
def invited(consultant, lotus, django_capture_on_commit_callbacks):
    """A pending invitation through the service, and the path of the link it mailed."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invite(
            inviter=consultant, email="new@example.com", brand=lotus, role="manager", language="en"
        )
    return invitation, link(mail.outbox[-1])


def link(message) -> str:
    return LINK.search(message.body)[1]


def join(client, path, username="nina", password=NEW, confirm=None):
    form = {"username": username, "password1": password, "password2": confirm or password}
    return client.post(path, form, follow=True)


def test_a_consultant_invites_and_the_invitee_lands_on_their_dashboard(
    client, consultant, lotus, django_capture_on_commit_callbacks
):
    client.force_login(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        page = invite(client, lotus)
    assert "Invitation sent to new@example.com for Lotus Skin." in page.content.decode()
    assert "new@example.com" in page.content.decode()  # listed as pending
    [message] = mail.outbox
    assert message.to == ["new@example.com"] and "Lotus Skin" in message.subject
    client.post("/logout/")
    landed = join(client, link(message))
    assert landed.redirect_chain[-1][0] == "/"
    assert "Lotus Skin" in landed.content.decode()
    user = get_user_model().objects.get(username="nina")
    assert user.email == "new@example.com" and user.check_password(NEW)
    assert Membership.objects.get(user=user).brand == lotus
    assert Invitation.objects.get().status == "accepted"
    client.post("/logout/")
    again = client.get(link(message))
    assert again.status_code == 410
    assert "has expired or has already been used" in again.content.decode()


def test_a_chinese_invitation_is_mailed_in_chinese(
    client, consultant, lotus, django_capture_on_commit_callbacks
):
    client.force_login(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, lotus, language="zh-hans")
    [message] = mail.outbox
    assert "受邀加入" in message.subject and "品牌负责人" in message.body
    client.post("/logout/")
    landed = join(client, link(message))  # from an English page
    assert Profile.objects.get(user__username="nina").language == "zh-hans"
    assert 'lang="zh-hans"' in landed.content.decode() and "欢迎" in landed.content.decode()


def test_a_weak_password_is_refused_and_nothing_is_created(client, invited):
    invitation, path = invited
    page = join(client, path, username="nina", password="password")
    assert "This password is too common." in page.content.decode()
    assert not get_user_model().objects.filter(username="nina").exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert join(client, path).redirect_chain[-1][0] == "/"  # the link still works


def test_an_expired_link_says_so_and_creates_nothing(client, invited, settings):
    settings.INVITATION_MAX_AGE_DAYS = 0
    _, path = invited
    page = client.get(path)
    assert page.status_code == 410
    assert "has expired or has already been used" in page.content.decode()
    assert join(client, path).status_code == 410
    assert not get_user_model().objects.filter(username="nina").exists()


def test_resending_draws_a_new_link_and_kills_the_old_one(
    client, consultant, invited, django_capture_on_commit_callbacks
):
    invitation, old = invited
    client.force_login(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/invitations/{invitation.pk}/resend/", follow=True)
    assert "Invitation sent again to new@example.com." in page.content.decode()
    new = link(mail.outbox[-1])
    assert new != old
    client.post("/logout/")
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_a_revoked_invitation_no_longer_opens(client, consultant, invited):
    invitation, path = invited
    client.force_login(consultant)
    page = client.post(f"/invitations/{invitation.pk}/revoke/", follow=True)
    assert "Invitation to new@example.com revoked." in page.content.decode()
    assert "new@example.com" not in page.content.decode().split("Pending invitations")[1]
    client.post("/logout/")
    assert client.get(path).status_code == 410


def test_inviting_an_existing_user_adds_the_membership(
    client, consultant, lotus, django_capture_on_commit_callbacks
):
    amy = UserFactory(username="amy", email="Amy@Example.com")
    client.force_login(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        page = invite(client, lotus, email="amy@example.com", role="consultant")
    assert "already has an account" in page.content.decode()
    assert Membership.objects.get(user=amy, brand=lotus).role == "consultant"
    [message] = mail.outbox
    assert message.to == ["Amy@Example.com"] and "join" not in message.body


def test_not_an_email_address_names_the_field_and_saves_nothing(client, consultant, lotus):
    client.force_login(consultant)
    page = invite(client, lotus, email="not-an-address")
    assert page.status_code == 400
    assert "Enter a valid email address." in page.content.decode()
    assert not Invitation.objects.exists()


def test_the_invite_form_speaks_chinese(client, consultant, lotus):
    client.force_login(consultant)
    page = client.post(
        "/invitations/",
        {"email": "x", "brand": lotus.pk, "role": "manager", "language": "en"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "邀请" in page.content.decode() and "请输入有效的电子邮箱地址。" in page.content.decode()


def test_consultants_invite_only_to_the_brands_they_serve(client, consultant):
    other = BrandFactory(slug="other")
    client.force_login(consultant)
    page = invite(client, other)
    assert page.status_code == 400 and not Invitation.objects.exists()


def test_managers_and_outsiders_cannot_invite(client, lotus):
    client.force_login(manager_of(lotus))
    assert client.get("/invitations/").status_code == 403


def test_an_admin_invites_to_any_brand_and_sees_every_invitation(client, invited):
    client.force_login(AdminFactory())
    page = client.get("/invitations/")
    assert page.status_code == 200 and "new@example.com" in page.content.decode()


def test_a_consultant_does_not_see_other_brands_invitations(client, invited):
    stranger = consultant_for(BrandFactory(slug="other"))
    client.force_login(stranger)
    invitation, _ = invited
    assert "new@example.com" not in client.get("/invitations/").content.decode()
    assert client.post(f"/invitations/{invitation.pk}/revoke/").status_code == 404


def test_the_list_reads_in_a_fixed_number_of_queries(
    client, consultant, lotus, django_assert_max_num_queries
):
    for n in range(12):
        invitations.invite(
            inviter=consultant,
            email=f"p{n}@example.com",
            brand=lotus,
            role="manager",
            language="en",
        )
    client.force_login(consultant)
    with django_assert_max_num_queries(8):
        page = client.get("/invitations/")
    assert page.content.decode().count("p1") >= 3  # p1, p10, p11 all listed


# --- the mail relay down --------------------------------------------------------------------


@pytest.fixture
def relay_down(settings):
    """SMTP to a loopback port nothing listens on: every send is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def test_an_invitation_made_while_the_relay_is_down_is_kept_and_can_be_sent_again(
    client, consultant, lotus, relay_down, django_capture_on_commit_callbacks, caplog
):
    client.force_login(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        page = invite(client, lotus)
    assert page.status_code == 200  # the invitations page again, not a server error
    invitation = Invitation.objects.pending().get(email="new@example.com")
    assert not mail.outbox and "mail could not be sent" in caplog.text
    relay_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # back up
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/invitations/{invitation.pk}/resend/")
    client.post("/logout/")
    assert join(client, link(mail.outbox[-1])).status_code == 200
    assert Membership.objects.filter(user__username="nina", brand=lotus).exists()


def test_the_worker_tries_a_refused_mail_again_later(consultant, lotus, relay_down, monkeypatch):
    invitation = Invitation.objects.create(
        email="new@example.com",
        brand=lotus,
        role="manager",
        language="en",
        invited_by=consultant,
        token_hash="0" * 64,
        sent_at=timezone.now(),
    )
    retries = []

    def retry(*, exc, countdown):
        retries.append((exc, countdown))
        return Retry()

    monkeypatch.setattr(send_invitation_mail_task, "retry", retry)
    with pytest.raises(Retry):
        send_invitation_mail_task.run(invitation.pk)  # as a worker runs it, not in-process
    [(exc, countdown)] = retries
    assert isinstance(exc, OSError)
    assert 0 <= countdown <= relay_down.MAIL_RETRY_DELAY  # the first wait, with jitter
    assert not mail.outbox and Invitation.objects.pending().filter(pk=invitation.pk).exists()


def test_a_mail_queued_for_an_invitation_revoked_since_is_not_sent(
    consultant, lotus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        invitation = invitations.invite(
            inviter=consultant, email="new@example.com", brand=lotus, role="manager", language="en"
        )
    invitations.revoke(invitation)
    for callback in queued:
        callback()
    assert not mail.outbox
