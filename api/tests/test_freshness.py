"""Every write the workflows perform shows on the next cached read: freshness by construction.

The writes are listed from assessments/services.py, publishing.py, accounts.py and demo.py; none
of them bumps the generation by hand (generations.py says where it moves). Each test caches an
answer, performs one write, and reads through the cache again: the answer must have changed and
be the one a fresh build gives. The writes no answer depends on must leave the cache alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import WebhookDelivery, WebhookEndpoint
from api.tests.conftest import token_client
from assessments import generations, outbox, publishing, services
from assessments.accounts import Role, user_create
from assessments.demo import answers_at
from assessments.models import Assessment, Brand, Category, Edition, EditionJob, OutboxMessage
from assessments.tests.factories import (
    AssessmentFactory,
    BrandFactory,
    consultant_for,
    scored_assessment,
)

ASSESSMENTS = "/api/v1/assessments/"
Status = Assessment.Status


def report_url(assessment: Assessment) -> str:
    return f"{ASSESSMENTS}{assessment.pk}/report/"


def cached(client, url: str) -> bytes:
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def assert_fresh_and_changed(client, url: str, before: bytes) -> None:
    after = client.get(url)
    assert after.content != before, "the cached answer was served after the write"
    assert after.content == client.get(url, HTTP_CACHE_CONTROL="no-cache").content


@pytest.fixture
def submitted(own_brand, beauty, spec, consultant) -> Assessment:
    # Its scoring is sent only after commit, which a test's transaction never reaches: each
    # test's own write is the only one that happens.
    return services.assessment_create(
        brand=own_brand,
        category=beauty,
        user=consultant,
        answers=answers_at(spec, 0.5),
        submit=True,
    )


def test_starting_a_draft(consultant_client, consultant, own_brand, beauty):
    before = cached(consultant_client, ASSESSMENTS)
    services.assessment_start(brand=own_brand, category=beauty, user=consultant)
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_saving_answers_of_a_draft(consultant_client, own_brand, spec):
    draft = AssessmentFactory(brand=own_brand)
    before = cached(consultant_client, ASSESSMENTS)
    key = spec.questions[0].key
    services.assessment_save_answers(
        assessment=draft, answers={key: answers_at(spec, 0.5)[key]}, expected_version=None
    )
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_submitting_a_draft(consultant_client, consultant, own_brand, spec, beauty):
    draft = services.assessment_start(brand=own_brand, category=beauty, user=consultant)
    services.assessment_save_answers(
        assessment=draft, answers=answers_at(spec, 0.5), expected_version=None
    )
    before = cached(consultant_client, ASSESSMENTS)
    services.assessment_submit(assessment=draft, user=consultant)
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_scoring_a_submission(consultant_client, submitted):
    before = cached(consultant_client, ASSESSMENTS)
    services.assessment_score(assessment_id=submitted.pk)
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_failing_and_retrying_a_submission(consultant_client, submitted):
    before = cached(consultant_client, ASSESSMENTS)
    services.assessment_fail(assessment_id=submitted.pk, reason="ValueError: bad data")
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)
    before = cached(consultant_client, ASSESSMENTS)
    assert services.assessment_retry(assessment=submitted)
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_rescoring_on_a_new_edition_through_copy(
    consultant_client, own_brand, make_scored, django_capture_on_commit_callbacks
):
    own = make_scored(own_brand)
    draft = publishing.edition_copy(edition=Edition.objects.current(), label="next")
    published = publishing.edition_publish(edition_id=draft.pk)
    before = cached(consultant_client, report_url(own))
    job = publishing.rescore_start(edition=published, enqueue=False)
    for number in range(job.chunks.count()):
        publishing.rescore_chunk(job_id=job.pk, number=number)  # COPY, then update()
    assert_fresh_and_changed(consultant_client, report_url(own), before)


def test_renaming_a_brand_with_a_queryset_update(consultant_client, own_brand, make_scored):
    # The demo's write (assessments/demo.py): an update() sends no signal.
    make_scored(own_brand)
    before = cached(consultant_client, ASSESSMENTS)
    Brand.objects.filter(pk=own_brand.pk).update(name="Lumière Beauty")
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_giving_a_consultant_another_brand(consultant_client, consultant, make_scored):
    make_scored(BrandFactory(slug="another-brand"))
    before = cached(consultant_client, ASSESSMENTS)
    user_create(username=consultant.username, role=Role.CONSULTANT, brand_slugs=["another-brand"])
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_making_a_consultant_an_admin(consultant_client, consultant, foreign_brand, make_scored):
    make_scored(foreign_brand)
    before = cached(consultant_client, ASSESSMENTS)
    user_create(username=consultant.username, role=Role.ADMIN)
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)


def test_deleting_assessments_with_a_queryset_delete_bumps_once(
    consultant_client, own_brand, make_scored
):
    make_scored(own_brand)
    make_scored(own_brand)
    before = cached(consultant_client, ASSESSMENTS)
    generation = generations.current()
    Assessment.objects.filter(brand=own_brand).delete()
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)
    assert generations.current() == generation + 1, "one bump for the delete, not one per row"


# --- scoped: a brand's workflows leave other brands' answers served -------------------------


def served_from_cache(client, url: str, before: bytes) -> bool:
    """True when the answer is the cached one, answered without a query."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.content == before and len(ctx) == 0


@pytest.fixture
def other_brand_reader(spec, django_capture_on_commit_callbacks):
    """A consultant of another brand, with a scored report in another category than beauty's."""
    brand = BrandFactory(slug="other-brand")
    other = scored_assessment(
        brand=brand,
        category=Category.objects.exclude(slug="beauty").order_by("slug").first(),
        maturity=0.6,
        capture=django_capture_on_commit_callbacks,
    )
    return token_client(consultant_for(brand)), other


def test_scoring_in_one_brand_leaves_another_brands_report_and_list_served(
    other_brand_reader, consultant_client, submitted
):
    # other_brand_reader first: its scoring on commit would score `submitted` too.
    reader, other = other_brand_reader
    mine = cached(consultant_client, ASSESSMENTS)
    theirs = {url: cached(reader, url) for url in (ASSESSMENTS, report_url(other))}
    services.assessment_score(assessment_id=submitted.pk)
    assert_fresh_and_changed(consultant_client, ASSESSMENTS, mine)
    for url, before in theirs.items():
        assert served_from_cache(reader, url, before), url


def test_every_workflow_of_a_brand_is_scoped_to_it(
    other_brand_reader, consultant_client, consultant, own_brand, beauty, spec
):
    reader, other = other_brand_reader
    answers = answers_at(spec, 0.5)
    steps = [
        lambda: services.assessment_start(brand=own_brand, category=beauty, user=consultant),
        lambda: services.assessment_save_answers(
            assessment=draft, answers=answers, expected_version=None
        ),
        lambda: services.assessment_submit(assessment=draft, user=consultant),
        lambda: services.assessment_score(assessment_id=draft.pk),
        lambda: services.assessment_delete_draft(assessment=unwanted),
    ]
    draft = services.assessment_start(brand=own_brand, category=beauty, user=consultant)
    unwanted = AssessmentFactory(brand=own_brand)  # made by the factory: a global bump
    theirs = {url: cached(reader, url) for url in (ASSESSMENTS, report_url(other))}
    for step in steps:
        before = cached(consultant_client, ASSESSMENTS)
        step()
        assert_fresh_and_changed(consultant_client, ASSESSMENTS, before)
        for url, seen in theirs.items():
            assert served_from_cache(reader, url, seen), url


def test_a_scoring_makes_the_reports_of_its_category_stale_in_every_brand(
    consultant_client, own_brand, make_scored, submitted
):
    # The percentile of a beauty report counts other brands' beauty scores.
    peers = [make_scored(BrandFactory(slug=f"peer-{n}"), n / 10) for n in range(1, 6)]
    own = make_scored(own_brand, 0.45)
    before = cached(consultant_client, report_url(own))
    assert consultant_client.get(report_url(own)).json()["percentile"] is not None
    peer = Assessment.objects.filter(brand=peers[0].brand).first()
    assert peer is not None
    draft = services.assessment_start(brand=peer.brand, category=own.category, user=peer.created_by)
    services.assessment_save_answers(
        assessment=draft, answers=answers_at(generations_spec(), 0.9), expected_version=None
    )
    services.assessment_submit(assessment=draft, user=peer.created_by)
    services.assessment_score(assessment_id=draft.pk)
    assert_fresh_and_changed(consultant_client, report_url(own), before)


def generations_spec():
    from assessments.edition_specs import edition_spec

    return edition_spec(Edition.objects.current().pk)


def test_an_admins_list_goes_stale_on_any_brands_scoring(admin_client, submitted):
    before = cached(admin_client, ASSESSMENTS)
    services.assessment_score(assessment_id=submitted.pk)
    assert_fresh_and_changed(admin_client, ASSESSMENTS, before)


def test_a_later_report_shows_an_earlier_assessment_scored_late_as_its_previous(
    consultant_client, consultant, own_brand, beauty, spec, settings
):
    # Submitted first, scored after a later one: the later report's previous changes.
    settings.SCORING_BATCH_SIZE = 1  # each scored alone, in the order the test says

    def submit(maturity: float) -> Assessment:
        return services.assessment_create(
            brand=own_brand,
            category=beauty,
            user=consultant,
            answers=answers_at(spec, maturity),
            submit=True,
        )

    early, later = submit(0.2), submit(0.7)
    services.assessment_score(assessment_id=later.pk)
    before = cached(consultant_client, report_url(later))
    assert consultant_client.get(report_url(later)).json()["previous"] is None
    services.assessment_score(assessment_id=early.pk)
    assert_fresh_and_changed(consultant_client, report_url(later), before)
    previous = consultant_client.get(report_url(later)).json()["previous"]
    assert previous["assessment_id"] == early.pk


# --- writes no answer depends on: the cache stays useful ---------------------------------------


def test_a_login_keeps_the_cache(client, consultant, own_brand, consultant_client):
    cached(consultant_client, ASSESSMENTS)
    generation = generations.current()
    client.force_login(consultant)  # Django's login saves last_login
    consultant.refresh_from_db()
    assert consultant.last_login is not None
    assert generations.current() == generation


def test_job_progress_webhook_deliveries_and_the_outbox_keep_the_cache(
    consultant, make_scored, own_brand
):
    published = Edition.objects.current()
    make_scored(own_brand)
    job = publishing.rescore_start(edition=published, enqueue=False)
    endpoint = WebhookEndpoint.objects.create(owner=consultant, url="https://example.com/hook")
    generation = generations.current()
    publishing.job_chunk_fail(job_id=job.pk, number=0, reason="OperationalError: gone")
    EditionJob.objects.filter(pk=job.pk).update(done=0)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="assessment.scored", subject_id=1, payload={}
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=1)
    OutboxMessage.objects.create(task="assessments.tasks.score_assessment_task", subject_id=1)
    assert outbox.outbox_dispatch() == 1  # the dispatcher moves the row's due time
    assert generations.current() == generation


# --- by construction ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", generations.watched_models(), ids=lambda m: m.__name__)
def test_every_watched_model_bumps_on_its_bulk_writes(model):
    # update(), bulk_create(), bulk_update() and delete() on every manager and related manager.
    assert isinstance(model._default_manager.all(), generations.FreshQuerySet)


def test_no_workflow_bumps_by_hand():
    root = Path(apps.get_app_config("assessments").path)
    for module in (
        "services.py",
        "publishing.py",
        "demo.py",
        "scorecard_store.py",
        "accounts.py",
        "actions.py",
        "observed.py",
        "plans.py",
    ):
        assert "bump(" not in (root / module).read_text(), module


def test_rows_written_with_copy_bump_the_generation(db, postgres_url):
    from assessments.bulk_insert import copy_fields

    generation = generations.current()
    copy_fields(Brand, [{"slug": "copied", "name": "Copied", "default_category_id": None}])
    assert Brand.objects.filter(slug="copied").exists()
    assert generations.current() > generation
