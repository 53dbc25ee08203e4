from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from assessments import scorecard_store, services
from assessments.core.answers import AnswerErrors
from assessments.core.recommendations import recommend
from assessments.core.scoring import score
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Result
from assessments.signals import assessments_scored
from assessments.tasks import score_assessment_task
from assessments.tests.factories import AssessmentFactory, BrandFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Assessment.Status
# What scoring a batch costs, whatever its size (the first test of them lists them). On
# PostgreSQL the result rows are written with COPY, which Django's query capture does not see,
# after a query that reserves their ids; elsewhere they are three INSERTs.
QUERIES = 10 if connection.vendor == "postgresql" else 12


def test_a_saved_step_keeps_its_answers_and_bumps_the_version(edition):
    draft = AssessmentFactory()
    services.assessment_save_answers(
        assessment=draft, answers={"msg-account": "active", "pay-share": None}, expected_version=0
    )
    assert services.assessment_answers(draft) == {"msg-account": "active", "pay-share": None}
    assert draft.version == 1


def test_an_invalid_answer_names_the_question_and_keeps_what_was_saved(edition):
    draft = AssessmentFactory()
    services.assessment_save_answers(
        assessment=draft, answers={"msg-account": "active"}, expected_version=0
    )
    with pytest.raises(AnswerErrors) as caught:
        services.assessment_save_answers(
            assessment=draft,
            answers={"msg-account": "dormant", "pay-share": 140, "ls-frequency": None},
            expected_version=1,
        )
    assert set(caught.value.errors) == {"pay-share", "ls-frequency"}
    assert "pay-share" in caught.value.errors["pay-share"]
    assert services.assessment_answers(draft) == {"msg-account": "active"}
    draft.refresh_from_db()
    assert draft.version == 1


def test_unknown_questions_are_rejected_and_nothing_is_saved(edition):
    draft = AssessmentFactory()
    with pytest.raises(AnswerErrors) as caught:
        services.assessment_save_answers(
            assessment=draft, answers={"msg-account": "active", "no-such": "x"}, expected_version=0
        )
    assert "no-such" in caught.value.errors
    assert services.assessment_answers(draft) == {}


def test_a_save_based_on_an_older_read_is_a_conflict_and_writes_nothing(edition):
    draft = AssessmentFactory()
    services.assessment_save_answers(
        assessment=draft, answers={"msg-account": "active"}, expected_version=0
    )
    other_tab = Assessment.objects.get(pk=draft.pk)
    other_tab.version = 0
    with pytest.raises(services.StaleDraft) as caught:
        services.assessment_save_answers(
            assessment=other_tab, answers={"msg-account": "none"}, expected_version=0
        )
    assert caught.value.current_version == 1
    assert services.assessment_answers(draft) == {"msg-account": "active"}


def test_submitting_an_incomplete_draft_lists_the_unanswered_questions(spec):
    draft = AssessmentFactory()
    services.assessment_save_answers(
        assessment=draft, answers={"msg-account": "active"}, expected_version=0
    )
    with pytest.raises(AnswerErrors) as caught:
        services.assessment_submit(assessment=draft, user=draft.created_by)
    assert len(caught.value.errors) == len(spec.questions) - 1
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_submitted_assessment_is_scored_on_commit_with_the_current_edition(
    spec, edition, django_capture_on_commit_callbacks
):
    draft = AssessmentFactory()
    answers = answers_at(spec, 0.4)
    services.assessment_save_answers(assessment=draft, answers=answers, expected_version=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=draft, user=draft.created_by)
        # Not scored inside the submitting transaction: the task is sent after commit.
        assert Assessment.objects.get(pk=draft.pk).status == Status.SUBMITTED
    draft.refresh_from_db()
    assert draft.status == Status.SCORED
    assert draft.submitted_by == draft.created_by
    expected = score(spec, "beauty", answers)
    assert draft.result.edition == edition
    assert draft.result.readiness_index == pytest.approx(expected.index)
    assert draft.result.tier_name == expected.tier.name
    assert list(draft.result.pillars.values_list("score", flat=True)) == pytest.approx(
        [p.score for p in expected.pillars]
    )
    ranked = [r.practice_key for r in recommend(expected, spec)]
    assert list(draft.result.recommendations.values_list("practice_key", flat=True)) == ranked


def test_recommendations_carry_their_evidence(scored_assessment):
    first = scored_assessment.result.recommendations.first()
    assert first.bucket == "P1"
    assert first.evidence, "every recommendation shows the figure behind it"
    assert {"publisher", "title", "year", "percent", "statement"} <= set(first.evidence[0])
    assert {"population_kind", "is_proxy", "url", "population"} <= set(first.evidence[0])


def test_scoring_twice_keeps_one_result(scored_assessment):
    result = scored_assessment.result
    Assessment.objects.filter(pk=scored_assessment.pk).update(status=Status.SCORING)
    score_assessment_task.delay(scored_assessment.pk)
    score_assessment_task.delay(scored_assessment.pk)
    assert Result.objects.filter(assessment=scored_assessment).count() == 1
    scored_assessment.refresh_from_db()
    assert scored_assessment.result == result
    assert scored_assessment.status == Status.SCORED
    card = services.scorecard_for(assessment=scored_assessment, edition_id=result.edition_id)
    assert result.recommendations.count() == len(recommend(card, edition_spec(result.edition_id)))


def test_a_second_delivery_of_a_scored_assessment_changes_nothing(scored_assessment):
    before = scored_assessment.scored_at
    score_assessment_task.delay(scored_assessment.pk)
    scored_assessment.refresh_from_db()
    assert scored_assessment.scored_at == before
    assert Result.objects.filter(assessment=scored_assessment).count() == 1


def test_a_stored_result_derives_again_from_its_answers_and_edition(scored_assessment):
    result = scored_assessment.result
    again = services.scorecard_for(assessment=scored_assessment, edition_id=result.edition_id)
    assert result.overall == pytest.approx(again.overall)
    assert result.readiness_index == pytest.approx(again.index)
    # The explanation of every number is derived, not stored: it must match what was stored.
    explained = again.explain()
    assert explained["edition_id"] == result.edition_id
    assert explained["index"] == pytest.approx(result.readiness_index)
    stored = list(result.pillars.values_list("key", "score"))
    assert [p["key"] for p in explained["pillars"]] == [key for key, _ in stored]
    assert [p["score"] for p in explained["pillars"]] == pytest.approx([s for _, s in stored])


def test_the_task_tolerates_a_deleted_assessment(db, caplog):
    caplog.set_level(logging.DEBUG, logger="assessments.services")
    score_assessment_task.delay(987654)
    assert "not waiting to be scored" in caplog.text


def test_an_unexpected_error_marks_the_assessment_failed_and_an_admin_can_retry(
    spec, monkeypatch, django_capture_on_commit_callbacks
):
    draft = AssessmentFactory()
    services.assessment_save_answers(
        assessment=draft, answers=answers_at(spec, 0.5), expected_version=0
    )

    def broken(**kwargs):
        raise RuntimeError("benchmark figure missing")

    monkeypatch.setattr(services, "results_store_scored", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=draft, user=draft.created_by)
    draft.refresh_from_db()
    assert draft.status == Status.FAILED
    assert draft.failure_reason == "RuntimeError: benchmark figure missing"

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assessment_retry(assessment=draft)
    draft.refresh_from_db()
    assert draft.status == Status.SCORED
    assert draft.failure_reason == ""


def test_a_submitted_assessment_cannot_be_edited(scored_assessment):
    with pytest.raises(services.AssessmentNotEditable, match="already submitted"):
        services.assessment_save_answers(
            assessment=scored_assessment, answers={"msg-account": "none"}, expected_version=None
        )
    assert services.assessment_answers(scored_assessment)["msg-account"] != "none"


def test_creating_with_bad_answers_saves_no_assessment(spec, beauty):
    answers = answers_at(spec, 0.5) | {"ls-frequency": "hourly"}
    with pytest.raises(AnswerErrors) as caught:
        services.assessment_create(
            brand=BrandFactory(),
            category=beauty,
            user=UserFactory(),
            answers=answers,
            submit=True,
        )
    assert "ls-frequency" in caught.value.errors
    assert not Assessment.objects.exists()


def test_scoring_announces_the_scored_assessment_once_after_commit(
    spec, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    assessments_scored.connect(listener)
    try:
        draft = AssessmentFactory()
        services.assessment_save_answers(
            assessment=draft, answers=answers_at(spec, 0.5), expected_version=0
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_submit(assessment=draft, user=draft.created_by)
        with django_capture_on_commit_callbacks(execute=True):
            score_assessment_task.delay(draft.pk)
    finally:
        assessments_scored.disconnect(listener)
    draft.refresh_from_db()
    assert heard == [{"signal": assessments_scored, "results": {draft.pk: draft.result_id}}]


def _submitted(spec) -> Assessment:
    draft = AssessmentFactory()
    services.assessment_save_answers(
        assessment=draft, answers=answers_at(spec, 0.5), expected_version=0
    )
    Assessment.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    return draft


def test_scoring_with_a_warm_worker_costs_a_fixed_number_of_queries_and_one_transaction(
    spec, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # Still waiting?; lock and read the current edition; claim others; results already stored;
    # categories; answers; the result, pillar and recommendation rows; the status and result
    # pointers; their outbox rows deleted; the webhook receiver's endpoint query, in the same
    # transaction. The other 2 are the transaction, a savepoint inside the test's (BEGIN/COMMIT
    # in a worker).
    draft = _submitted(spec)
    with django_assert_num_queries(QUERIES + 2), django_capture_on_commit_callbacks(execute=True):
        result_id = services.assessment_score(assessment_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.SCORED and draft.result_id == result_id
    assert draft.result.recommendations.count() > 0


def test_a_batch_of_waiting_assessments_costs_the_queries_of_one(
    spec, django_assert_num_queries, django_capture_on_commit_callbacks, settings
):
    settings.SCORING_BATCH_SIZE = 10
    waiting = [_submitted(spec) for _ in range(6)]
    with django_assert_num_queries(QUERIES + 2), django_capture_on_commit_callbacks(execute=True):
        services.assessment_score(assessment_id=waiting[3].pk)
    for assessment in waiting:
        assessment.refresh_from_db()
        assert assessment.status == Status.SCORED
        assert assessment.result.recommendations.count() > 0
    # Their own tasks come later and find nothing to do, in one query each.
    with django_assert_num_queries(1):
        assert services.assessment_score(assessment_id=waiting[0].pk) is None


def test_a_batch_takes_the_oldest_waiting_assessments_up_to_its_size(spec, settings):
    settings.SCORING_BATCH_SIZE = 3
    waiting = [_submitted(spec) for _ in range(5)]
    for age, assessment in enumerate(reversed(waiting)):
        Assessment.objects.filter(pk=assessment.pk).update(
            updated_at=timezone.now() - timedelta(minutes=age)
        )
    services.assessment_score(assessment_id=waiting[2].pk)
    statuses = [Assessment.objects.get(pk=a.pk).status for a in waiting]
    # Its own and the two oldest others (the first two made, aged most).
    assert statuses == [Status.SCORED] * 3 + [Status.SUBMITTED] * 2


def test_one_assessment_that_cannot_be_scored_fails_alone_not_its_batch(
    spec, monkeypatch, settings
):
    settings.SCORING_BATCH_SIZE = 10
    good, bad = _submitted(spec), _submitted(spec)
    real = scorecard_store.scorecards_for_ids

    def broken_for_bad(assessment_ids, edition):
        if bad.pk in assessment_ids:
            raise RuntimeError("benchmark figure missing")
        return real(assessment_ids, edition)

    monkeypatch.setattr(scorecard_store, "scorecards_for_ids", broken_for_bad)
    score_assessment_task.delay(good.pk)  # its batch holds the bad one too: rolled back, alone
    score_assessment_task.delay(bad.pk)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == Status.SCORED
    assert bad.status == Status.FAILED
    assert bad.failure_reason == "RuntimeError: benchmark figure missing"


def test_an_error_while_writing_leaves_the_assessment_waiting_with_nothing_written(
    spec, monkeypatch
):
    draft = _submitted(spec)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(scorecard_store, "_set_result_ids", broken)
    with pytest.raises(RuntimeError):
        services.assessment_score(assessment_id=draft.pk)
    # The result and its pillars were written before the failure: rolled back with the claim.
    assert not Result.objects.filter(assessment=draft).exists()
    assert Assessment.objects.get(pk=draft.pk).status == Status.SUBMITTED
