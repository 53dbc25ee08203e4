"""Edition workflows: copy, read-only editions, checks, audit, publish, preview, rescore."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments import publishing, scorecard_store, services
from assessments.core.scoring import score
from assessments.edition_specs import edition_spec
from assessments.models import (
    Assessment,
    Choice,
    Citation,
    ContextFigure,
    Edition,
    EditionJob,
    Pillar,
    Practice,
    PublishedEditionReadOnly,
    Question,
    Result,
    Tier,
)
from assessments.report_data import report_for
from assessments.tests.factories import AdminFactory, BrandFactory, scored_assessment

pytestmark = pytest.mark.django_db
EDITION_MODELS = {
    Pillar: "edition",
    Practice: "edition",
    Citation: "practice__edition",
    Question: "edition",
    Choice: "question__edition",
    Tier: "edition",
    ContextFigure: "edition",
}


@pytest.fixture
def admin_user():
    return AdminFactory(username="mei")


@pytest.fixture
def draft(edition, admin_user) -> Edition:
    return publishing.edition_copy(edition=edition, user=admin_user, label="2018 draft")


def scored(brand, category, maturity: float, capture) -> Assessment:
    return scored_assessment(brand=brand, category=category, maturity=maturity, capture=capture)


@pytest.fixture
def brands_scored(beauty, django_capture_on_commit_callbacks) -> list[Assessment]:
    """Five brands' latest assessments; the first brand also has an older one."""
    first = BrandFactory()
    scored(first, beauty, 0.1, django_capture_on_commit_callbacks)
    latest = [scored(first, beauty, 0.4, django_capture_on_commit_callbacks)]
    for maturity in (0.2, 0.5, 0.7, 0.9):
        latest.append(scored(BrandFactory(), beauty, maturity, django_capture_on_commit_callbacks))
    return latest


def raise_livestream_figure(draft: Edition) -> None:
    """The later study: live streaming among beauty brands went from 69% to 80%."""
    citation = Citation.objects.get(
        practice__edition=draft,
        practice__key="live-streaming",
        category__slug="beauty",
        use=Citation.Use.BENCHMARK,
    )
    citation.percent = Decimal("80")
    citation.year = 2017
    citation.save()


# --- copy ----------------------------------------------------------------------------------------


def test_a_copy_holds_every_row_of_its_edition_as_a_draft_based_on_it(edition, draft):
    assert draft.is_draft and not draft.is_current and draft.based_on == edition
    for model, path in EDITION_MODELS.items():
        original = model.objects.filter(**{path: edition}).count()
        assert original > 0, model
        assert model.objects.filter(**{path: draft}).count() == original, model
    assert edition_spec(draft.pk).practices == edition_spec(edition.pk).practices
    assert edition_spec(draft.pk).questions == edition_spec(edition.pk).questions


def test_a_copy_leaves_the_original_untouched(edition, admin_user):
    before = {m: list(m.objects.filter(**{p: edition}).values()) for m, p in EDITION_MODELS.items()}
    publishing.edition_copy(edition=edition, user=admin_user)
    after = {m: list(m.objects.filter(**{p: edition}).values()) for m, p in EDITION_MODELS.items()}
    assert after == before
    edition.refresh_from_db()
    assert edition.is_current and not edition.is_draft


def test_a_copy_is_in_the_audit_trail_as_created_by_its_admin(draft, admin_user):
    created = Practice.history.filter(edition_id=draft.pk)
    assert created.count() == draft.practices.count()
    assert {(r.history_type, r.history_user_id) for r in created} == {("+", admin_user.pk)}


# --- read-only published editions ----------------------------------------------------------------


def test_nothing_saves_or_deletes_a_row_of_a_published_edition(edition):
    practice = Practice.objects.filter(edition=edition).first()
    practice.weight = Decimal("3")
    with pytest.raises(PublishedEditionReadOnly, match="published and read-only"):
        practice.save()
    with pytest.raises(PublishedEditionReadOnly):
        Choice.objects.filter(question__edition=edition).first().delete()
    with pytest.raises(PublishedEditionReadOnly):
        edition.save()
    assert Practice.objects.get(pk=practice.pk).weight == Decimal("1")


def test_a_form_on_a_published_row_says_to_make_a_draft(edition):
    tier = Tier.objects.filter(edition=edition).first()
    with pytest.raises(ValidationError, match="Create a draft from it"):
        tier.full_clean()


def test_rows_of_a_draft_save_and_check_themselves(draft):
    tier = Tier.objects.filter(edition=draft).first()
    tier.min_index = Decimal("-5")
    with pytest.raises(ValidationError) as caught:
        tier.full_clean()
    assert "an index is >= 0" in caught.value.message_dict["min_index"][0]
    tier.min_index = Decimal("150")
    tier.full_clean()
    tier.save()


# --- audit ---------------------------------------------------------------------------------------


def test_a_changed_weight_records_who_changed_it_from_what_to_what(draft, admin_user):
    practice = Practice.objects.get(edition=draft, key="live-streaming")
    practice._history_user = admin_user
    practice.weight = Decimal("2.5")
    practice.save()
    latest, previous = practice.history.all()[:2]
    (change,) = latest.diff_against(previous).changes
    assert (change.field, change.old, change.new) == ("weight", Decimal("1"), Decimal("2.5"))
    assert latest.history_user == admin_user and latest.history_date is not None


# --- checks --------------------------------------------------------------------------------------


def test_a_copy_of_the_seeded_edition_is_valid(draft):
    assert publishing.edition_validate(edition_id=draft.pk) == []


def test_a_draft_that_breaks_a_rule_says_what_to_fix_and_is_not_published(draft):
    Practice.objects.filter(edition=draft, pillar__key="payments").update(weight=0)
    problems = publishing.edition_validate(edition_id=draft.pk)
    assert problems == [
        "Pillar 'payments' has no practice with a positive weight: give one of its practices a "
        "weight above 0 (or add a practice)."
    ]
    with pytest.raises(publishing.EditionInvalid):
        publishing.edition_publish(edition_id=draft.pk)
    draft.refresh_from_db()
    assert draft.is_draft


# --- publish -------------------------------------------------------------------------------------


def test_publishing_makes_the_draft_current_and_keeps_the_old_one_published(edition, draft):
    published = publishing.edition_publish(edition_id=draft.pk, expected_current_id=edition.pk)
    edition.refresh_from_db()
    assert published.is_current and published.status == Edition.Status.PUBLISHED
    assert published.published_at is not None
    assert not edition.is_current and edition.status == Edition.Status.PUBLISHED
    assert Edition.objects.current() == published
    assert Edition.history.filter(id=draft.pk, history_type="~", status="published").exists()


def test_publishing_twice_is_refused_with_a_message(edition, draft):
    publishing.edition_publish(edition_id=draft.pk)
    with pytest.raises(publishing.EditionRefused, match="already published"):
        publishing.edition_publish(edition_id=draft.pk)


def test_publishing_after_someone_else_published_is_refused(edition, draft, admin_user):
    other = publishing.edition_copy(edition=edition, user=admin_user, label="other draft")
    publishing.edition_publish(edition_id=other.pk, expected_current_id=edition.pk)
    with pytest.raises(publishing.EditionRefused, match="Another admin published other draft"):
        publishing.edition_publish(edition_id=draft.pk, expected_current_id=edition.pk)
    assert Edition.objects.current() == other


# --- preview -------------------------------------------------------------------------------------


def expected_shifts(assessments: list[Assessment], draft: Edition) -> list[float]:
    spec = edition_spec(draft.pk)
    return [
        score(spec, a.category.slug, services.assessment_answers(a)).index
        - a.result.readiness_index
        for a in assessments
    ]


def test_a_preview_compares_each_brands_latest_result_with_the_draft(brands_scored, draft):
    raise_livestream_figure(draft)
    job = publishing.edition_preview(edition=draft, chunk_size=2)
    assert (job.status, job.total, job.done) == (EditionJob.Status.FINISHED, 5, 5)
    summary = publishing.preview_summary(job)
    shifts = expected_shifts(brands_scored, draft)
    assert summary.assessments == 5
    assert summary.mean_shift == pytest.approx(sum(shifts) / 5)
    assert summary.largest.shift == pytest.approx(min(shifts, key=lambda s: -abs(s)))
    # A higher benchmark figure can only lower a brand's index and its live-streaming pillar.
    assert all(shift < 0 for shift in shifts)
    assert summary.pillar_mean_shift["live-streaming"] == pytest.approx(0.0)


def test_a_large_preview_runs_in_celery_chunks(brands_scored, draft, settings, capture_commits):
    settings.IMPACT_PREVIEW_SYNC_LIMIT = 2
    with capture_commits(execute=True) as sent:
        job = publishing.edition_preview(edition=draft, chunk_size=2)
    assert len(sent) == 3
    job.refresh_from_db()
    assert (job.status, job.done) == (EditionJob.Status.FINISHED, 5)
    assert publishing.preview_summary(job).assessments == 5


def test_a_published_edition_is_not_previewed(edition):
    with pytest.raises(publishing.EditionRefused, match="preview a draft"):
        publishing.edition_preview(edition=edition)


# --- rescore -------------------------------------------------------------------------------------


@pytest.fixture
def capture_commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def publish_and_rescore(draft: Edition, capture, chunk_size: int = 2) -> EditionJob:
    published = publishing.edition_publish(edition_id=draft.pk)
    with capture(execute=True):
        job = publishing.rescore_start(edition=published, chunk_size=chunk_size)
    job.refresh_from_db()
    return job


def test_rescoring_stores_a_result_on_the_new_edition_for_each_brands_latest_assessment(
    edition, brands_scored, draft, capture_commits
):
    raise_livestream_figure(draft)
    job = publish_and_rescore(draft, capture_commits)
    assert (job.status, job.total, job.done, job.chunks.count()) == ("finished", 5, 5, 3)
    spec = edition_spec(draft.pk)
    for assessment in brands_scored:
        assessment.refresh_from_db()
        expected = score(spec, "beauty", services.assessment_answers(assessment))
        assert assessment.result.edition_id == draft.pk
        assert assessment.result.readiness_index == pytest.approx(expected.index)
        assert Result.objects.filter(assessment=assessment, edition=edition).exists()
    older = Assessment.objects.exclude(pk__in=[a.pk for a in brands_scored]).get()
    assert older.result.edition_id == edition.pk


def test_rescoring_stores_what_scoring_a_submission_stored_for_the_same_benchmark(
    brands_scored, edition, draft
):
    # The draft is an unchanged copy: each rescored result must equal the one its submission's
    # scoring stored (services.assessment_score), but for the edition it is on.
    publishing.edition_publish(edition_id=draft.pk)
    scorecard_store.results_store_bulk(
        assessment_ids=[a.pk for a in brands_scored], edition_id=draft.pk
    )
    for assessment in brands_scored:
        submitted, rescored = (
            Result.objects.get(assessment=assessment, edition=e) for e in (edition, draft)
        )
        for field in ("overall", "benchmark_overall", "readiness_index", "tier_key"):
            assert getattr(rescored, field) == getattr(submitted, field), field
        assert _children(rescored) == _children(submitted)


def _children(result: Result) -> tuple[list, list]:
    return (
        list(result.pillars.values_list("key", "position", "score", "benchmark")),
        list(
            result.recommendations.values_list(
                "rank", "bucket", "practice_key", "expected_gain", "evidence"
            )
        ),
    )


def test_rescoring_the_same_assessments_twice_stores_one_result_each(brands_scored, draft):
    publishing.edition_publish(edition_id=draft.pk)
    ids = [a.pk for a in brands_scored]
    assert scorecard_store.results_store_bulk(assessment_ids=ids, edition_id=draft.pk) == 5
    assert scorecard_store.results_store_bulk(assessment_ids=ids, edition_id=draft.pk) == 0
    assert Result.objects.filter(edition=draft).count() == 5


def test_a_chunk_delivered_twice_counts_once(brands_scored, draft):
    published = publishing.edition_publish(edition_id=draft.pk)
    job = publishing.rescore_start(edition=published, chunk_size=2, enqueue=False)
    assert publishing.rescore_chunk(job_id=job.pk, number=0) is True
    assert publishing.rescore_chunk(job_id=job.pk, number=0) is False
    job.refresh_from_db()
    assert (job.done, job.status) == (2, EditionJob.Status.RUNNING)
    assert Result.objects.filter(edition=draft).count() == 2


def test_a_chunk_redelivered_after_its_results_were_stored_counts_once(brands_scored, draft):
    published = publishing.edition_publish(edition_id=draft.pk)
    job = publishing.rescore_start(edition=published, chunk_size=5, enqueue=False)
    # The first delivery stored the results and died before marking the chunk done.
    scorecard_store.results_store_bulk(
        assessment_ids=job.chunks.get().assessment_ids, edition_id=draft.pk
    )
    assert publishing.rescore_chunk(job_id=job.pk, number=0) is True
    job.refresh_from_db()
    assert (job.done, job.status) == (5, EditionJob.Status.FINISHED)
    assert Result.objects.filter(edition=draft).count() == 5


def test_a_failed_chunk_is_recorded_and_can_be_sent_again(brands_scored, draft, capture_commits):
    published = publishing.edition_publish(edition_id=draft.pk)
    job = publishing.rescore_start(edition=published, chunk_size=5, enqueue=False)
    publishing.job_chunk_fail(job_id=job.pk, number=0, reason="OperationalError: gone away")
    assert job.chunks.get().error.startswith("OperationalError")
    with capture_commits(execute=True):
        assert publishing.job_resume(job=job) == 1
    job.refresh_from_db()
    assert (job.done, job.chunks.get().error) == (5, "")


def test_a_draft_is_not_rescored(draft):
    with pytest.raises(publishing.EditionRefused, match="publish it before rescoring"):
        publishing.rescore_start(edition=draft)


def test_an_old_report_still_renders_on_its_own_edition_after_a_publish(
    edition, brands_scored, draft, capture_commits
):
    raise_livestream_figure(draft)
    publish_and_rescore(draft, capture_commits)
    assessment = Assessment.objects.with_report().get(pk=brands_scored[1].pk)
    new_report = report_for(assessment)
    old = Result.objects.select_related("edition").get(assessment=assessment, edition=edition)
    assessment.result = old
    old_report = report_for(assessment)
    assert (old_report.edition_id, old_report.edition_label) == (edition.pk, edition.label)
    assert (new_report.edition_id, new_report.edition_label) == (draft.pk, "2018 draft")
    assert old_report.readiness_index > new_report.readiness_index
    assert old_report.recommendations and old_report.context


def test_a_chunk_task_that_fails_leaves_the_chunk_pending_with_its_reason(
    brands_scored, draft, monkeypatch
):
    from assessments.tasks import edition_job_chunk_task

    published = publishing.edition_publish(edition_id=draft.pk)
    job = publishing.rescore_start(edition=published, chunk_size=5, enqueue=False)

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(scorecard_store, "results_store_bulk", fail)
    edition_job_chunk_task(job.pk, 0)
    chunk = job.chunks.get()
    assert (chunk.done, chunk.error) == (False, "RuntimeError: database went away")
    job.refresh_from_db()
    assert (job.done, job.status) == (0, EditionJob.Status.RUNNING)


def test_a_chunk_task_of_a_deleted_job_does_nothing(brands_scored, draft, caplog):
    from assessments.tasks import edition_job_chunk_task

    published = publishing.edition_publish(edition_id=draft.pk)
    job = publishing.rescore_start(edition=published, chunk_size=5, enqueue=False)
    job_id = job.pk
    job.delete()
    results = Result.objects.count()
    with caplog.at_level(logging.INFO):
        edition_job_chunk_task(job_id, 0)
    # Nothing scored, stored or failed: the task saw that the job is gone and stopped there.
    assert Result.objects.count() == results
    assert f"Edition job {job_id} is gone; nothing to do." in caplog.messages
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
