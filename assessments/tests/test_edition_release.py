"""What goes live with an edition: a label of its own and a release note, asked for at publish."""

from __future__ import annotations

import importlib
import re

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.tests.conftest import token_client
from assessments import publishing
from assessments.demo import load_demo
from assessments.models import Edition, Pillar
from assessments.tests.factories import AdminFactory, BrandFactory, manager_of, scored_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return AdminFactory(username="root")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_draft_of_a_draft_is_named_after_the_published_edition(edition):
    first = publishing.edition_copy(edition=edition)
    second = publishing.edition_copy(edition=first)
    assert re.fullmatch(r"Draft of 2017 China benchmark \(.*\)", second.label)
    assert "Draft of Draft of" not in second.label


def test_a_generated_label_never_goes_live(edition):
    draft = publishing.edition_copy(edition=edition)
    with pytest.raises(publishing.EditionRefused, match="label of its own"):
        publishing.edition_publish(edition_id=draft.pk)
    draft.refresh_from_db()
    assert draft.is_draft


def test_publishing_with_a_label_and_release_note_stores_both_languages(edition):
    draft = publishing.edition_copy(edition=edition)
    published = publishing.edition_publish(
        edition_id=draft.pk,
        label="2018 China benchmark",
        release_notes={"en": "Live streaming weighs more.", "zh-hans": "直播权重提高。"},
    )
    assert published.label == "2018 China benchmark" and published.is_current
    assert (published.release_note_en, published.release_note_zh_hans) == (
        "Live streaming weighs more.",
        "直播权重提高。",
    )


@pytest.mark.parametrize(
    "label, notes, reason",
    [
        ("2017 China benchmark", {"en": "Note"}, "Another edition is labelled"),
        ("2018 China benchmark", {"en": "  "}, "Write a release note"),
    ],
)
def test_a_taken_label_or_an_empty_note_is_refused_and_nothing_changes(
    edition, label, notes, reason
):
    draft = publishing.edition_copy(edition=edition)
    with pytest.raises(publishing.EditionRefused, match=reason):
        publishing.edition_publish(edition_id=draft.pk, label=label, release_notes=notes)
    draft.refresh_from_db()
    assert draft.is_draft and draft.label.startswith("Draft of")


def test_the_publish_page_asks_for_a_label_and_a_release_note(staff, edition):
    draft = publishing.edition_copy(edition=edition)
    url = reverse("admin:assessments_edition_publish", args=[draft.pk])
    page = staff.get(url)
    assert page.context["form"]["label"].value() in ("", None)  # the generated one is not offered
    refused = staff.post(url, {"expected_current_id": edition.pk, "label": "2018"})
    assert refused.status_code == 200 and "release_note_en" in refused.context["form"].errors
    draft.refresh_from_db()
    assert draft.is_draft
    publishing.edition_preview(edition=draft)  # the page publishes what was previewed
    done = staff.post(
        url,
        {"expected_current_id": edition.pk, "label": "2018", "release_note_en": "New weights."},
        follow=True,
    )
    assert any("is now the current edition" in str(m) for m in get_messages(done.wsgi_request))
    draft.refresh_from_db()
    assert (draft.label, draft.release_note_en, draft.is_current) == ("2018", "New weights.", True)


def test_the_publish_command_takes_the_label_and_note(edition):
    draft = publishing.edition_copy(edition=edition)
    with pytest.raises(CommandError, match="label of its own"):
        call_command("publish_edition", draft.pk)
    call_command("publish_edition", draft.pk, "--label", "2018", "--note", "New weights.")
    draft.refresh_from_db()
    assert (draft.label, draft.release_note_en, draft.is_current) == ("2018", "New weights.", True)


def test_the_lists_open_on_the_newest_draft_and_can_show_every_edition(staff, edition):
    draft = publishing.edition_copy(edition=edition, label="2018 draft")
    url = reverse("admin:assessments_pillar_changelist")
    shown = staff.get(url).context["cl"].result_list
    assert {p.edition_id for p in shown} == {draft.pk}
    every = staff.get(url + "?edition__id__exact=all").context["cl"].result_list
    # Every edition: the current one, the new draft, and any other migrate loaded (2026).
    editions = set(Edition.objects.values_list("pk", flat=True))
    assert {edition.pk, draft.pk} < editions
    assert {p.edition_id for p in every} == editions
    assert Pillar.objects.count() == len(every)


def test_without_a_draft_the_lists_open_on_the_current_edition(staff, edition):
    shown = staff.get(reverse("admin:assessments_tier_changelist")).context["cl"].result_list
    assert {t.edition_id for t in shown} == {edition.pk}


def test_load_demo_prints_the_address_the_site_is_served_on(settings):
    settings.DEMO_SITE_URL = "http://127.0.0.1:8123"
    lines = load_demo()
    assert any("http://127.0.0.1:8123/admin/" in line for line in lines)
    assert not any(":8000" in line for line in lines)


def test_the_demo_address_follows_host_and_port(monkeypatch):
    import readiness.settings as module

    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.delenv("DEMO_SITE_URL", raising=False)
    try:
        assert importlib.reload(module).DEMO_SITE_URL == "http://0.0.0.0:8123"
    finally:
        monkeypatch.undo()
        importlib.reload(module)


def test_a_published_edition_is_never_relabelled_through_publish(edition):
    with pytest.raises(publishing.EditionRefused, match="already published"):
        publishing.edition_publish(edition_id=edition.pk, label="Renamed")
    assert Edition.objects.get(pk=edition.pk).label == "2017 China benchmark"


def test_users_read_the_release_note_in_the_report_and_the_api(
    client, edition, beauty, django_capture_on_commit_callbacks
):
    draft = publishing.edition_copy(edition=edition)
    notes = {"en": "Live streaming weighs more.", "zh-hans": "直播的权重提高了。"}
    publishing.edition_publish(edition_id=draft.pk, label="2018", release_notes=notes)
    brand = BrandFactory(default_category=beauty)
    manager = manager_of(brand)
    a = scored_assessment(
        brand=brand,
        category=beauty,
        maturity=0.5,
        capture=django_capture_on_commit_callbacks,
        user=manager,
    )
    client.force_login(manager)
    url = f"/assessments/{a.pk}/report/"
    assert "Live streaming weighs more." in client.get(url).content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "直播的权重提高了。" in chinese
    api = token_client(manager).get(f"/api/v1/assessments/{a.pk}/report/").json()
    assert api["edition"] == {"id": draft.pk, "label": "2018", "release_note": notes["en"]}
