"""Editors change drafts; publishers also publish them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from assessments import publishing
from assessments.accounts import Role, user_create
from assessments.models import Edition, Tier

pytestmark = pytest.mark.django_db
RELEASE = {"label": "2018 China benchmark", "release_note_en": "Live streaming weighs more."}


@pytest.fixture
def draft(edition) -> Edition:
    return publishing.edition_copy(edition=edition, label="2018 draft")


def _login(client, role: Role):
    user, _ = user_create(username=role.value, role=role, password="a-long-password-1")
    client.force_login(user)
    return client


def _tier_form(draft, tier, min_index):
    return {
        "edition": draft.pk,
        "key": tier.key,
        "name_en": tier.name_en,
        "min_index": min_index,
        "summary_en": tier.summary_en,
    }


def test_an_editor_edits_and_previews_a_draft_but_cannot_publish(client, edition, draft):
    editor = _login(client, Role.EDITOR)
    tier = Tier.objects.get(edition=draft, key="leader")
    url = reverse("admin:assessments_tier_change", args=[tier.pk])
    assert editor.post(url, _tier_form(draft, tier, "150")).status_code == 302
    tier.refresh_from_db()
    assert tier.min_index == 150
    preview = editor.post(reverse("admin:assessments_edition_preview", args=[draft.pk]))
    assert preview.status_code == 302
    publish_url = reverse("admin:assessments_edition_publish", args=[draft.pk])
    page = editor.get(publish_url).content.decode()
    assert 'id="no-publish"' in page and 'name="release_note_en"' not in page
    refused = editor.post(publish_url, {"expected_current_id": edition.pk, **RELEASE})
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft
    rescore = editor.post(reverse("admin:assessments_edition_rescore", args=[edition.pk]))
    assert rescore.status_code == 403


def test_an_editor_cannot_change_a_published_row(client, edition):
    editor = _login(client, Role.EDITOR)
    tier = Tier.objects.get(edition=edition, key="leader")
    url = reverse("admin:assessments_tier_change", args=[tier.pk])
    assert editor.post(url, _tier_form(edition, tier, "150")).status_code == 403


def test_a_publisher_publishes_a_previewed_draft(client, edition, draft):
    publisher = _login(client, Role.PUBLISHER)
    publisher.post(reverse("admin:assessments_edition_preview", args=[draft.pk]))
    url = reverse("admin:assessments_edition_publish", args=[draft.pk])
    publisher.post(url, {"expected_current_id": edition.pk, **RELEASE})
    draft.refresh_from_db()
    assert draft.is_current and draft.label == RELEASE["label"]


def test_the_create_user_command_makes_an_editor(capsys):
    password = StringIO("a-long-password-1\n")  # --set-password reads it from standard input
    call_command("create_user", "ed", "--role", "editor", "--set-password", stdin=password)
    user = user_create(username="ed", role=Role.EDITOR)[0]
    assert user.is_staff and not user.is_superuser and user.check_password("a-long-password-1")
    assert user.has_perm("assessments.change_practice")
    assert not user.has_perm("assessments.publish_edition")


def test_an_editor_asks_for_review_and_a_publisher_reads_and_answers(client, edition, draft):
    editor = _login(client, Role.EDITOR)
    review_url = reverse("admin:assessments_edition_review", args=[draft.pk])
    publish_url = reverse("admin:assessments_edition_publish", args=[draft.pk])
    editor.post(review_url, {"text": "Live streaming weights raised.", "ready": "1"})
    draft.refresh_from_db()
    assert draft.review_requested_at is not None
    refused = editor.post(review_url, {"text": "  "}, follow=True)
    assert any("Write a comment first" in str(m) for m in get_messages(refused.wsgi_request))

    publisher = _login(client, Role.PUBLISHER)
    publisher.post(review_url, {"text": "Source of the new figure?"})
    page = publisher.get(publish_url).content.decode()
    assert "Ready for review since" in page
    assert page.index("Live streaming weights raised.") < page.index("Source of the new figure?")
    assert [c.author.username for c in draft.comments.all()] == ["editor", "publisher"]


def test_a_published_edition_takes_no_review(client, edition):
    staff = _login(client, Role.PUBLISHER)
    url = reverse("admin:assessments_edition_review", args=[edition.pk])
    staff.post(url, {"text": "Hm", "ready": "1"})
    edition.refresh_from_db()
    assert edition.review_requested_at is None and not edition.comments.exists()
