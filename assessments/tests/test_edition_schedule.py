"""An effective date: a scheduled draft becomes current at its time, on Celery beat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments import publishing, tasks
from assessments.models import Edition, EditionJob, Practice
from assessments.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db
NOTES = {"en": "Live streaming weighs more."}


@pytest.fixture
def draft(edition) -> Edition:
    draft = publishing.edition_copy(edition=edition, label="2018 draft")
    publishing.edition_preview(edition=draft)
    return draft


def test_a_scheduled_edition_becomes_current_at_its_date(edition, draft):
    at = timezone.now() + timedelta(days=1)
    publishing.edition_schedule(edition_id=draft.pk, at=at, release_notes=NOTES)
    assert publishing.editions_publish_due(now=at - timedelta(minutes=1)) == []
    draft.refresh_from_db()
    assert draft.is_draft and draft.publish_at == at
    (published,) = publishing.editions_publish_due(now=at)
    assert published.pk == draft.pk and published.is_current
    assert EditionJob.objects.filter(edition=draft, kind="rescore").exists()


def test_the_beat_task_publishes_what_is_due(edition, draft):
    Edition.objects.filter(pk=draft.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert tasks.publish_due_editions_task() == 1
    assert Edition.objects.current() == draft
    schedule = settings.CELERY_BEAT_SCHEDULE["publish-due-editions"]
    assert schedule["task"] == "assessments.tasks.publish_due_editions_task"


def test_a_draft_changed_after_scheduling_is_not_published_unseen(edition, draft):
    at = timezone.now() + timedelta(hours=1)
    publishing.edition_schedule(edition_id=draft.pk, at=at, release_notes=NOTES)
    practice = Practice.objects.get(edition=draft, key="live-streaming")
    practice.weight = 3
    practice.save()
    assert publishing.editions_publish_due(now=at) == []
    draft.refresh_from_db()
    assert draft.is_draft and draft.publish_at is None
    assert Edition.objects.current() == edition


def test_a_past_time_or_an_invalid_draft_cannot_be_scheduled(edition, draft):
    with pytest.raises(publishing.EditionRefused, match="in the future"):
        publishing.edition_schedule(edition_id=draft.pk, at=timezone.now() - timedelta(hours=1))
    Practice.objects.filter(edition=draft, pillar__key="payments").update(weight=0)
    with pytest.raises(publishing.EditionInvalid):
        publishing.edition_schedule(edition_id=draft.pk, at=timezone.now() + timedelta(hours=1))


def test_the_publish_page_schedules_a_draft(client, edition, draft):
    client.force_login(AdminFactory(username="root"))
    url = reverse("admin:assessments_edition_publish", args=[draft.pk])
    at = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    body = {
        "expected_current_id": edition.pk,
        "label": "2018 China benchmark",
        "release_note_en": "New weights.",
        "publish_at": at.strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(url, body, follow=True)
    assert any("is scheduled" in str(m) for m in response.context["messages"])
    draft.refresh_from_db()
    assert draft.is_draft and draft.publish_at == at and draft.label == "2018 China benchmark"
