"""The admin: pages render for staff in a bounded number of queries; buttons call the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import publishing, services
from assessments.models import (
    Assessment,
    Citation,
    Edition,
    EditionJob,
    Practice,
    Question,
    Result,
    Tier,
)
from assessments.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db
# Generous bounds that still catch a query per row (the changelists show 50 rows).
MAX_QUERIES = 25
# What the publish form asks for: the label and release note users read.
RELEASE = {"label": "2018 China benchmark", "release_note_en": "Live streaming weighs more."}


@pytest.fixture
def admin_user():
    return AdminFactory(username="root")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def draft(edition, admin_user) -> Edition:
    return publishing.edition_copy(edition=edition, user=admin_user, label="2018 draft")


@pytest.mark.parametrize(
    "model",
    [
        "edition",
        "pillar",
        "practice",
        "citation",
        "question",
        "choice",
        "tier",
        "contextfigure",
        "category",
        "brand",
        "membership",
        "assessment",
        "editionjob",
    ],
)
def test_every_changelist_renders_in_a_bounded_number_of_queries(
    staff, draft, scored_assessment, model, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = staff.get(reverse(f"admin:assessments_{model}_changelist"))
    assert response.status_code == 200


def test_change_forms_render_in_a_bounded_number_of_queries(
    staff, edition, draft, scored_assessment, django_assert_max_num_queries
):
    pages = [
        ("edition", edition.pk),
        ("edition", draft.pk),
        ("practice", Practice.objects.filter(edition=draft).first().pk),
        ("question", Question.objects.filter(edition=edition).first().pk),
        ("citation", Citation.objects.filter(practice__edition=draft).first().pk),
        ("assessment", scored_assessment.pk),
    ]
    # A draft row's page also runs the edition-wide checks: a fixed eight queries more.
    for model, pk in pages:
        with django_assert_max_num_queries(40):
            response = staff.get(reverse(f"admin:assessments_{model}_change", args=[pk]))
        assert response.status_code == 200, (model, pk)


def test_a_published_edition_is_shown_read_only_with_a_hint_and_a_copy_button(staff, edition):
    response = staff.get(reverse("admin:assessments_edition_change", args=[edition.pk]))
    content = response.content.decode()
    assert "is published and read-only" in content
    assert "Create a draft from this edition" in content
    assert 'name="label"' not in content  # no input: the fields are read-only


def test_a_change_to_a_published_row_is_refused(staff, edition):
    tier = Tier.objects.filter(edition=edition).first()
    url = reverse("admin:assessments_tier_change", args=[tier.pk])
    response = staff.post(url, {"edition": edition.pk, "key": tier.key, "name": "X"})
    assert response.status_code == 403
    tier.refresh_from_db()
    assert tier.name != "X"


def test_a_published_editions_list_shows_weights_without_inputs_or_save_button(
    staff, edition, draft
):
    url = reverse("admin:assessments_practice_changelist")
    published = staff.get(url + f"?edition__id__exact={edition.pk}").content.decode()
    assert 'name="form-0-weight"' not in published and 'name="_save"' not in published
    drafted = staff.get(url + f"?edition__id__exact={draft.pk}").content.decode()
    assert 'name="form-0-weight"' in drafted and 'name="_save"' in drafted


def test_a_mixed_list_disables_the_published_rows_weights(staff, edition, draft):
    url = reverse("admin:assessments_practice_changelist") + "?edition__id__exact=all"
    content = staff.get(url).content
    inputs = [part.split(">")[0] for part in content.decode().split('name="form-')[1:]]
    weights = [i for i in inputs if i.split('"')[0].endswith("-weight")]
    assert any("disabled" in w for w in weights) and any("disabled" not in w for w in weights)


def test_an_admin_change_is_in_the_audit_trail_with_its_author(staff, draft, admin_user):
    tier = Tier.objects.filter(edition=draft, key="leader").first()
    url = reverse("admin:assessments_tier_change", args=[tier.pk])
    response = staff.post(
        url,
        {
            "edition": draft.pk,
            "key": tier.key,
            # Texts are edited per language (assessments/translation.py).
            "name_en": tier.name_en,
            "name_zh_hans": tier.name_zh_hans or "",
            "min_index": "150",
            "summary_en": tier.summary_en,
            "summary_zh_hans": tier.summary_zh_hans or "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = tier.history.first()
    assert record.history_user == admin_user
    (change,) = record.diff_against(record.prev_record).changes
    assert (change.field, change.old, change.new) == ("min_index", Decimal("140"), Decimal("150"))
    history = staff.get(reverse("admin:assessments_tier_history", args=[tier.pk]))
    assert history.status_code == 200
    assert "root" in history.content.decode()


def test_a_row_local_problem_is_shown_on_the_form(staff, draft):
    tier = Tier.objects.filter(edition=draft, key="leader").first()
    url = reverse("admin:assessments_tier_change", args=[tier.pk])
    data = {"edition": draft.pk, "key": tier.key, "name": tier.name, "summary": tier.summary}
    response = staff.post(url, {**data, "min_index": "-1"})
    assert response.status_code == 200
    assert "an index is &gt;= 0" in response.content.decode()


def test_the_copy_button_creates_a_draft(staff, edition):
    response = staff.post(reverse("admin:assessments_edition_copy", args=[edition.pk]))
    draft = Edition.objects.get(based_on=edition, status="draft")
    assert response.url == reverse("admin:assessments_edition_change", args=[draft.pk])
    assert draft.is_draft


def test_the_copy_action_creates_a_draft_of_each_selected_edition(staff, edition):
    staff.post(
        reverse("admin:assessments_edition_changelist"),
        {"action": "create_draft", "_selected_action": [edition.pk]},
    )
    assert Edition.objects.filter(based_on=edition, status="draft").count() == 1


def test_the_preview_and_publish_pages_show_the_impact_then_publish_and_rescore(
    staff, edition, draft, scored_assessment, django_capture_on_commit_callbacks
):
    Practice.objects.filter(edition=draft, key="live-streaming").update(weight=3)
    response = staff.post(reverse("admin:assessments_edition_preview", args=[draft.pk]))
    job = EditionJob.objects.get(edition=draft, kind="preview")
    assert response.url == reverse("admin:assessments_edition_job", args=[job.pk])
    page = staff.get(response.url).content.decode()
    assert "Mean index shift" in page and "1 of 1 assessments" in page

    publish_url = reverse("admin:assessments_edition_publish", args=[draft.pk])
    page = staff.get(publish_url).content.decode()
    assert "Mean index shift" in page and f'value="{edition.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            publish_url, {"expected_current_id": edition.pk, "rescore": "1", **RELEASE}
        )
    assert Edition.objects.current() == draft
    assert "Finished" in staff.get(response.url).content.decode()
    assert Result.objects.filter(assessment=scored_assessment, edition=draft).exists()


def test_publishing_an_invalid_draft_lists_what_to_fix(staff, draft):
    Practice.objects.filter(edition=draft, pillar__key="payments").update(weight=0)
    page = staff.get(reverse("admin:assessments_edition_publish", args=[draft.pk]))
    assert "Pillar &#x27;payments&#x27; has no practice with a positive weight" in (
        page.content.decode()
    )
    response = staff.post(
        reverse("admin:assessments_edition_publish", args=[draft.pk]), RELEASE, follow=True
    )
    assert "Fix this first" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_publishing_after_another_admin_published_says_so(staff, edition, draft, admin_user):
    other = publishing.edition_copy(edition=edition, user=admin_user, label="other")
    publishing.edition_publish(edition_id=other.pk)
    response = staff.post(
        reverse("admin:assessments_edition_publish", args=[draft.pk]),
        {"expected_current_id": edition.pk, **RELEASE},
        follow=True,
    )
    assert "Another admin published other" in response.content.decode()


def test_retry_scoring_sends_a_failed_assessment_back(
    staff, scored_assessment, django_capture_on_commit_callbacks
):
    failed = scored_assessment
    Assessment.objects.filter(pk=failed.pk).update(status="failed", failure_reason="Boom")
    page = staff.get(reverse("admin:assessments_assessment_change", args=[failed.pk]))
    assert "Boom" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("admin:assessments_assessment_changelist"),
            {"action": "retry_scoring", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.status == Assessment.Status.SCORED
    assert services.assessment_retry(assessment=failed) is False


def test_a_running_job_page_refreshes_itself_in_a_bounded_number_of_queries(
    staff, draft, scored_assessment, settings, django_assert_max_num_queries
):
    settings.IMPACT_PREVIEW_SYNC_LIMIT = 0  # to Celery, whose tasks wait for the commit
    job = publishing.edition_preview(edition=draft)
    url = reverse("admin:assessments_edition_job", args=[job.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = staff.get(url).content.decode()
    assert 'http-equiv="refresh"' in page and "0 of 1 assessments" in page
    publishing.preview_chunk(job_id=job.pk, number=0)
    page = staff.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page and "Mean index shift" in page
