"""A real worker sends an invitation's mail once the mail relay, down when it was made, is back."""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller

from assessments import invitations
from assessments.models import Membership
from assessments.tests.factories import BrandFactory, consultant_for
from assessments.tests.test_mail import Inbox
from readiness import best_effort
from readiness.celery import app as celery_app
from tests.processes import spare_port, start_worker, stop, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SITE = "http://readiness.example.com"


@pytest.fixture
def relay_port() -> int:
    return spare_port()


@pytest.fixture
def mail_worker(redis_url, postgres_url, relay_port, tmp_path):
    celery_app.conf.task_always_eager = False
    best_effort.reset()  # a test before may have left the breaker open: the mail must be queued
    log = tmp_path / "worker.log"
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{relay_port}",
        "SITE_URL": SITE,
        # Seconds, not the production minutes: the test waits for the second try.
        "MAIL_RETRY_DELAY": "1",
        "MAIL_RETRY_MAX_DELAY": "2",
    }
    process = start_worker(redis_url, log=log, env=env)
    yield log
    stop(process)
    print(log.read_text(errors="replace")[-3000:])


def test_an_invitation_made_while_the_relay_is_down_arrives_once_it_is_back(
    mail_worker, relay_port, client, settings
):
    settings.SITE_URL = SITE
    lotus = BrandFactory(slug="lotus", name="Lotus Skin")
    invitation = invitations.invite(
        inviter=consultant_for(lotus),
        email="nina@example.com",
        brand=lotus,
        role="manager",
        language="en",
    )
    refused = wait_for(lambda: "the mail relay failed" in mail_worker.read_text(), timeout=60)
    assert refused, "the worker never tried the relay"
    inbox = Inbox()
    relay = Controller(inbox, hostname="127.0.0.1", port=relay_port)
    relay.start()
    try:
        assert wait_for(lambda: bool(inbox.messages), timeout=30), (
            "no mail after the relay came back"
        )
    finally:
        relay.stop()
    [message] = inbox.messages
    assert message["To"] == "nina@example.com"
    body = message.get_body(preferencelist=("plain",)).get_content()
    path = re.search(rf"{re.escape(SITE)}(/join/\S+/)", body)[1]
    new = "lantern-orchard-quietly-7"
    form = {"username": "nina", "password1": new, "password2": new}
    landed = client.post(path, form, follow=True)
    assert landed.redirect_chain[-1][0] == "/"
    assert Membership.objects.filter(user__username="nina", brand_id=invitation.brand_id).exists()
