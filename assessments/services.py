"""The workflows that span models. Web views, API views, admin actions and tasks all call these.

Each write that moves an assessment along its life (draft -> submitted -> scoring -> scored or
failed) is a conditional UPDATE on the expected status, so a repeated request or a task delivered
twice finds nothing to do instead of doing it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from assessments import generations
from assessments.core.answers import answer_json, validate_answers
from assessments.core.scoring import Scorecard, score
from assessments.core.skip import has_skip_logic, hidden_questions
from assessments.core.specs import EditionSpec
from assessments.edition_specs import edition_spec, edition_spec_for
from assessments.models import (
    Answer,
    Assessment,
    Brand,
    Category,
    Edition,
    Question,
)
from assessments.outbox import SCORE, outbox_add, outbox_done
from assessments.scorecard_store import results_store_scored
from assessments.signals import assessments_scored

logger = logging.getLogger(__name__)
Status = Assessment.Status
# Submitted, or claimed by a worker that may have died: what scoring picks up.
WAITING = (Status.SUBMITTED, Status.SCORING)
# A database that is away for a moment (restart, failover, a dropped connection, a deadlock):
# the same work succeeds when tried again, so it is retried, never marked failed.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class AssessmentNotEditable(Exception):
    """The assessment was submitted: its answers are final."""

    def __init__(self, assessment: Assessment) -> None:
        super().__init__(
            gettext(
                "This assessment was already submitted (%(status)s); its answers can no longer "
                "be changed. Start a new assessment to answer again."
            )
            % {"status": assessment.get_status_display().lower()}
        )


class StaleDraft(Exception):
    """Somebody saved the draft after this request read it.

    saved_by is who saved last (None if unknown): a page tells "you, in another tab" from a
    colleague by comparing it with the user who tried to save.
    """

    def __init__(self, current_version: int, saved_by=None) -> None:
        self.current_version = current_version
        self.saved_by = saved_by
        super().__init__(
            gettext(
                "Someone else saved this assessment after you opened it. Your answers on this "
                "step were not saved; the page now shows the latest saved answers."
            )
        )


def assessment_start(*, brand: Brand, category: Category, user, name: str = "") -> Assessment:
    """A new draft on the current edition's questionnaire."""
    with generations.scoped(brands=[brand.pk]):  # a row in its brand's lists, nothing else
        return Assessment.objects.create(
            name=name.strip(),
            brand=brand,
            category=category,
            edition=Edition.objects.current(),
            created_by=user,
            updated_by=user,
        )


def assessment_answers(assessment: Assessment) -> dict[str, object]:
    """The saved answers keyed by question key; None means "not applicable"."""
    return dict(assessment.answers.values_list("question__key", "value"))


def assessment_save_answers(
    *,
    assessment: Assessment,
    answers: Mapping[str, object],
    expected_version: int | None,
    resume_step: str = "",
    user=None,
) -> Assessment:
    """Save some answers of a draft. Invalid answers raise AnswerErrors before anything is written.

    With expected_version, a save based on an older read raises StaleDraft and writes nothing.
    """
    spec = edition_spec(assessment.edition_id)
    saved = assessment_answers(assessment) if has_skip_logic(spec) else {}
    cleaned = validate_answers(spec, answers, complete=False, saved=saved)
    # A draft shows in its brand's lists only (its version, its time of change).
    with generations.scoped(brands=[assessment.brand_id]), transaction.atomic():
        _bump_version(assessment, expected_version, resume_step, user)
        _upsert_answers(assessment, cleaned)
        _clear_hidden(assessment, spec, saved | cleaned)
    return assessment


def _clear_hidden(assessment: Assessment, spec: EditionSpec, answers: Mapping[str, object]) -> None:
    """Delete the saved answers of questions that the new answers no longer ask."""
    hidden = hidden_questions(spec, answers)
    if hidden:
        assessment.answers.filter(question__key__in=hidden).delete()


def _bump_version(
    assessment: Assessment, expected_version: int | None, resume_step: str, user
) -> None:
    rows = Assessment.objects.filter(pk=assessment.pk, status=Status.DRAFT)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    changes: dict[str, object] = {"version": F("version") + 1, "updated_at": timezone.now()}
    if user is not None:
        changes["updated_by"] = user
    if resume_step:
        changes["resume_step"] = resume_step
    if rows.update(**changes) == 1:
        assessment.refresh_from_db(fields=["version", "resume_step", "updated_at", "updated_by"])
        return
    assessment.refresh_from_db()
    if not assessment.is_editable:
        raise AssessmentNotEditable(assessment)
    raise StaleDraft(assessment.version, saved_by=assessment.updated_by)


def _upsert_answers(assessment: Assessment, cleaned: Mapping[str, object]) -> None:
    if not cleaned:
        return
    question_ids = dict(
        Question.objects.filter(edition_id=assessment.edition_id, key__in=cleaned).values_list(
            "key", "pk"
        )
    )
    Answer.objects.bulk_create(
        [
            Answer(assessment=assessment, question_id=question_ids[key], value=answer_json(value))
            for key, value in cleaned.items()
        ],
        update_conflicts=True,
        unique_fields=["assessment", "question"],
        update_fields=["value", "updated_at"],
    )


def assessment_delete_draft(*, assessment: Assessment) -> None:
    """Delete a draft and its answers; a submitted assessment is kept (AssessmentNotEditable).

    A conditional DELETE: a draft submitted meanwhile by a colleague is not deleted.
    """
    with generations.scoped(brands=[assessment.brand_id]), transaction.atomic():
        deleted, _ = Assessment.objects.filter(pk=assessment.pk, status=Status.DRAFT).delete()
        if not deleted:
            assessment.refresh_from_db()
            raise AssessmentNotEditable(assessment)


def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    """Submit a complete draft and enqueue its scoring once the transaction commits."""
    if not assessment.is_editable:
        raise AssessmentNotEditable(assessment)
    validate_answers(
        edition_spec(assessment.edition_id), assessment_answers(assessment), complete=True
    )
    # Submitted, not yet scored: its brand's lists change, no percentile does.
    with generations.scoped(brands=[assessment.brand_id]), transaction.atomic():
        now = timezone.now()
        moved = Assessment.objects.filter(pk=assessment.pk, status=Status.DRAFT).update(
            status=Status.SUBMITTED, submitted_at=now, submitted_by=user, updated_at=now
        )
        if moved != 1:
            assessment.refresh_from_db()
            raise AssessmentNotEditable(assessment)
        _enqueue_scoring(assessment.pk)
    assessment.refresh_from_db()
    return assessment


def _enqueue_scoring(assessment_id: int) -> None:
    # An outbox row in the submission's transaction: sent once it commits, so the worker never
    # reads a submission that is not saved yet, and sent again until scored, so a broker outage
    # or a lost message cannot lose it (assessments/outbox.py).
    outbox_add(task=SCORE, subject_ids=[assessment_id])


def assessment_create(
    *, brand: Brand, category: Category, user, answers: Mapping[str, object], submit: bool
) -> Assessment:
    """Start, answer and optionally submit in one go (the API's path); all or nothing."""
    spec = edition_spec(Edition.objects.current().pk)
    validate_answers(spec, answers, complete=submit)
    with transaction.atomic():
        assessment = assessment_start(brand=brand, category=category, user=user)
        assessment_save_answers(assessment=assessment, answers=answers, expected_version=None)
        if submit:
            assessment_submit(assessment=assessment, user=user)
    return assessment


def assessment_score(*, assessment_id: int) -> int | None:
    """Score a submitted assessment on the current edition, with others waiting beside it.

    Safe to run twice for the same id. Returns the id of the assessment's result, or None when
    it was not waiting (already scored, failed or deleted).

    Up to SCORING_BATCH_SIZE assessments are scored in one transaction: this one, and the
    oldest waiting ones that no other worker holds. Their own tasks then find them scored after
    one query. A burst of submissions thus costs a transaction and a few queries per batch
    rather than per assessment (bench/notes/celery.md). One assessment whose scoring fails does
    not fail the others: the batch rolls back and this one is scored alone.
    """
    status = Assessment.objects.filter(pk=assessment_id).values_list("status", flat=True).first()
    if status not in WAITING:
        # The usual case after a batch: another task scored it (and emptied its outbox row).
        logger.debug("Assessment %s is not waiting to be scored; nothing to do.", assessment_id)
        if status is None:  # deleted: nobody else will empty its row
            outbox_done(task=SCORE, subject_ids=[assessment_id])
        return None
    if settings.SCORING_BATCH_SIZE > 1:
        try:
            return _score_waiting(assessment_id, settings.SCORING_BATCH_SIZE)
        except TRANSIENT_ERRORS:
            raise  # the database is away: alone it would fail the same way; the task retries
        except Exception:
            logger.warning(
                "Scoring assessment %s in a batch failed; scoring it alone.",
                assessment_id,
                exc_info=True,
            )
    return _score_waiting(assessment_id, 1)


def _score_waiting(assessment_id: int, batch_size: int) -> int | None:
    """Claim, result and status change in one transaction holding the assessments' row locks.

    A worker killed mid-way leaves them "submitted" with nothing written, and the redelivered
    task scores them again; a second delivery of this id waits for the lock, then finds it
    scored. The others are claimed with SKIP LOCKED: a row another worker holds is its to score.
    """
    with transaction.atomic():
        found = _claim(assessment_id)
        if found is None:
            logger.debug("Assessment %s is not waiting to be scored; nothing to do.", assessment_id)
            return None
        edition, scope = found
        others = _claim_others(assessment_id, batch_size - 1)
        claimed = [assessment_id, *(pk for pk, _ in others)]
        with _scored_scope([scope, *(scope for _, scope in others)]):
            result_ids = results_store_scored(
                assessment_ids=claimed, edition=edition, scored_at=timezone.now()
            )
            outbox_done(task=SCORE, subject_ids=claimed)
            # In the transaction: what listeners write (webhook deliveries and their outbox
            # rows) commits with the results or not at all.
            assessments_scored.send(sender=Assessment, results=result_ids)
    return result_ids.get(assessment_id)


def _scored_scope(scopes: list[tuple[int, int]]):
    """What a scoring changes: its brands' lists and reports (a later report's previous one),
    and the percentiles of its categories; not every cached answer (generations.scoped).

    scopes: each claimed assessment's (brand id, category id), read by the claiming queries.
    """
    return generations.scoped(
        brands={brand for brand, _ in scopes}, categories={category for _, category in scopes}
    )


def _claim(assessment_id: int) -> tuple[EditionSpec, tuple[int, int]] | None:
    """Lock a waiting assessment; the current edition's spec and the assessment's (brand id,
    category id), or None if it is not waiting.

    The current edition is read in the locking query rather than cached in the process: a
    publish must take effect on the next task, and this costs no extra round trip.
    """
    current = Edition.objects.filter(is_current=True)
    row = (
        Assessment.objects.select_for_update()
        .annotate(
            current_edition_id=Subquery(current.values("pk")[:1]),
            current_edition_status=Subquery(current.values("status")[:1]),
            current_edition_published_at=Subquery(current.values("published_at")[:1]),
        )
        .filter(pk=assessment_id, status__in=WAITING)
        .values_list(
            "current_edition_id",
            "current_edition_status",
            "current_edition_published_at",
            "brand_id",
            "category_id",
        )
        .first()
    )
    return None if row is None else (edition_spec_for(*row[:3]), (row[3], row[4]))


def _claim_others(assessment_id: int, limit: int) -> list[tuple[int, tuple[int, int]]]:
    """Lock up to `limit` other waiting assessments, oldest first, that nobody else holds.

    Each as (id, (brand id, category id)): the scope of the cached answers its scoring changes.
    """
    if limit < 1:
        return []
    rows = (
        Assessment.objects.select_for_update(skip_locked=True)
        .filter(status__in=WAITING)
        .exclude(pk=assessment_id)
        .order_by("updated_at")
        .values_list("pk", "brand_id", "category_id")[:limit]
    )
    return [(pk, (brand, category)) for pk, brand, category in rows]


def assessment_fail(*, assessment_id: int, reason: str) -> None:
    """Mark scoring as failed with a reason admins can read; a scored assessment stays scored."""
    with transaction.atomic():
        Assessment.objects.filter(pk=assessment_id, status__in=WAITING).update(
            status=Status.FAILED, failure_reason=reason[:2000], updated_at=timezone.now()
        )
        outbox_done(task=SCORE, subject_ids=[assessment_id])


def assessment_retry(*, assessment: Assessment) -> bool:
    """Put a failed assessment back in the queue; False if it was not failed."""
    with transaction.atomic():
        moved = Assessment.objects.filter(pk=assessment.pk, status=Status.FAILED).update(
            status=Status.SUBMITTED, failure_reason="", updated_at=timezone.now()
        )
        if moved:
            _enqueue_scoring(assessment.pk)
    return bool(moved)


def scorecard_for(*, assessment: Assessment, edition_id: int) -> Scorecard:
    """Derive the scorecard again from the saved answers and an edition (pure maths, no writes)."""
    return _scorecard(assessment, edition_spec(edition_id))


def _scorecard(assessment: Assessment, edition: EditionSpec) -> Scorecard:
    return score(edition, assessment.category.slug, assessment_answers(assessment))
