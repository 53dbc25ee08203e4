"""The publish page: the draft's diff against its base, an explained preview, and no stale one."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments import edition_diff, publishing
from assessments.admin import preview as preview_pages
from assessments.models import (
    Choice,
    Citation,
    Edition,
    EditionJob,
    Pillar,
    Practice,
    Question,
    Tier,
)
from assessments.tests import factories
from assessments.tests.factories import AdminFactory, BrandFactory

pytestmark = pytest.mark.django_db
RELEASE = {"label": "2018 China benchmark", "release_note_en": "Live streaming weighs more."}


@pytest.fixture
def staff(client):
    client.force_login(AdminFactory(username="root"))
    return client


@pytest.fixture
def draft(edition) -> Edition:
    return publishing.edition_copy(edition=edition, label="2018 draft")


def _save(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_diff_lists_every_kind_of_change(draft):
    _save(Pillar.objects.get(edition=draft, key="messaging"), weight=2)
    _save(Practice.objects.get(edition=draft, key="live-streaming"), title_zh_hans="直播新标题")
    citation = Citation.objects.filter(practice__edition=draft, percent__isnull=False).first()
    _save(citation, percent=12, publisher_en="A newer publisher")
    question = Question.objects.filter(edition=draft).first()
    _save(question, text_en="A clearer question?")
    choice = Choice.objects.filter(question=question).order_by("level").last()
    _save(choice, level="0.9")
    Tier.objects.filter(edition=draft, key="leader").first().delete()
    pillar = Pillar.objects.get(edition=draft, key="payments")
    Practice.objects.create(
        edition=draft, pillar=pillar, key="new-one", title="New", weight=1, recommendation="Do it."
    )
    found = {(d.group, d.kind, d.change, d.field) for d in edition_diff.edition_diff(draft)}
    assert ("Weights", "pillar", "changed", "weight") in found
    assert ("Texts and settings", "practice", "changed", "title_zh_hans") in found
    assert ("Figures", "citation", "changed", "percent") in found
    assert ("Sources", "citation", "changed", "publisher_en") in found
    assert ("Questions", "question", "changed", "text_en") in found
    assert ("Questions", "choice", "changed", "level") in found
    assert ("Added and removed", "tier", "removed", "") in found
    assert ("Added and removed", "practice", "added", "") in found
    assert len(found) == 8


def test_the_publish_page_shows_the_diff(staff, draft):
    _save(Pillar.objects.get(edition=draft, key="messaging"), weight=2)
    page = staff.get(reverse("admin:assessments_edition_publish", args=[draft.pk]))
    content = page.content.decode()
    assert "1 change against 2017 China benchmark" in content
    assert "pillar messaging" in content and "Weights" in content


def test_a_stale_preview_blocks_publish_until_a_fresh_one(staff, edition, draft, scored_assessment):
    url = reverse("admin:assessments_edition_publish", args=[draft.pk])
    body = {"expected_current_id": edition.pk, **RELEASE}
    refused = staff.post(url, body, follow=True)
    assert any("Preview the impact first" in m for m in _messages(refused))
    publishing.edition_preview(edition=draft)
    _save(Practice.objects.get(edition=draft, key="live-streaming"), weight=3)
    assert 'id="stale"' in staff.get(url).content.decode()
    refused = staff.post(url, body, follow=True)
    assert any("older than the draft's last change" in m for m in _messages(refused))
    draft.refresh_from_db()
    assert draft.is_draft
    publishing.edition_preview(edition=draft)
    assert 'id="stale"' not in staff.get(url).content.decode()
    staff.post(url, body)
    draft.refresh_from_db()
    assert draft.is_current


def test_the_preview_names_pillars_explains_the_largest_moves_and_lists_every_brand(
    staff, draft, beauty, django_capture_on_commit_callbacks, monkeypatch
):
    for maturity in (0.3, 0.6):
        factories.scored_assessment(
            brand=BrandFactory(),
            category=beauty,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
        )
    _save(Practice.objects.get(edition=draft, key="live-streaming"), weight=3)
    _save(Practice.objects.get(edition=draft, key="kol-streams"), title_en="Renamed only")
    job = publishing.edition_preview(edition=draft)
    monkeypatch.setattr(preview_pages, "BRANDS_PER_PAGE", 1)
    url = reverse("admin:assessments_edition_job", args=[job.pk])
    response = staff.get(url)
    content = response.content.decode()
    assert "<th>Live streaming</th>" in content and "<th>live-streaming</th>" not in content
    (mover, causes), *_ = response.context["explained"]
    assert [(d.kind, d.key, d.field, d.old, d.new) for d in causes] == [
        ("practice", "live-streaming", "weight", "1", "3")
    ]  # the renamed practice moved nobody
    assert mover.shift and "practice live-streaming: weight 1 &rarr; 3" in content
    assert response.context["brands"].paginator.num_pages == 2
    second = staff.get(url + "?page=2").context["brands"]
    first = response.context["brands"]
    assert {m.assessment_id for m in [*first, *second]} == set(
        EditionJob.objects.get(pk=job.pk).chunks.values_list("assessment_ids", flat=True)[0]
    )
