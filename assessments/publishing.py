"""Edition workflows: copy a draft, check it, preview its impact, publish it, rescore on it.

The admin, the `publish_edition` command and the Celery tasks all call these functions. Work
over many assessments runs as an EditionJob cut into fixed-size chunks (models/jobs.py).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from assessments import edition_diff, edition_history, scorecard_store
from assessments.core import edition_checks as checks
from assessments.core.impact import (
    ImpactSummary,
    ImpactTally,
    Mover,
    Standing,
    merged,
    standing_of,
)
from assessments.edition_specs import edition_spec
from assessments.models import (
    Assessment,
    Choice,
    Citation,
    ContextFigure,
    Edition,
    EditionJob,
    JobChunk,
    Pillar,
    PillarResult,
    Practice,
    Question,
    Tier,
)

logger = logging.getLogger(__name__)


class EditionRefused(Exception):
    """The workflow cannot run on this edition now; the message says why and what to do."""


class EditionInvalid(EditionRefused):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"The edition cannot be published yet: {'; '.join(problems)}")


# --- copy ---------------------------------------------------------------------------------------


def edition_copy(*, edition: Edition, user=None, label: str = "") -> Edition:
    """A draft deep copy of an edition (based_on set), recorded in the audit trail as created."""
    with transaction.atomic():
        draft = Edition(
            label=label or _draft_label(edition),
            status=Edition.Status.DRAFT,
            based_on=edition,
            **_every_language(edition, "notes"),
        )
        draft._history_user = user
        draft.save()
        _copy_children(edition, draft, user)
    return draft


def _every_language(row: models.Model, name: str) -> dict[str, object]:
    """A translated field's value in each language (notes_en, notes_zh_hans, ...)."""
    names = [build_localized_fieldname(name, code) for code, _ in settings.LANGUAGES]
    return {field: getattr(row, field) for field in names}


# The label edition_copy() makes up; it never goes live (see _check_label).
GENERATED_LABEL = re.compile(r"^Draft of (?P<base>.*) \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)$")


def _draft_label(edition: Edition) -> str:
    """'Draft of <base label> (<time>)', naming the published base even for a draft's draft."""
    base = edition.label
    while (generated := GENERATED_LABEL.match(base)) is not None:
        base = generated["base"]
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    label = f"Draft of {base[:60]} ({stamp})"
    # Two copies in the same second: the second one waits for the next free second's name.
    seconds = 0
    while Edition.objects.filter(label=label).exists():
        seconds += 1
        later = timezone.now() + timedelta(seconds=seconds)
        label = f"Draft of {base[:60]} ({later.strftime('%Y-%m-%d %H:%M:%S')})"
    return label


def _copy_children(edition: Edition, draft: Edition, user) -> None:
    # The change log (edition_history.py) shows the copied rows as one line by this reason.
    how = (user, edition_history.COPY_REASON.format(label=edition.label))

    def copy(rows: models.QuerySet, **links: Callable[[Any], Any]) -> dict[int, Any]:
        return _copy_rows(rows, how, edition=lambda row: draft, **links)

    pillars = copy(Pillar.objects.filter(edition=edition))
    practices = copy(
        Practice.objects.filter(edition=edition), pillar=lambda row: pillars[row.pillar_id]
    )
    _copy_rows(
        Citation.objects.filter(practice__edition=edition),
        how,
        practice=lambda row: practices[row.practice_id],
    )
    questions = copy(
        Question.objects.filter(edition=edition), practice=lambda row: practices[row.practice_id]
    )
    _copy_rows(
        Choice.objects.filter(question__edition=edition),
        how,
        question=lambda row: questions[row.question_id],
    )
    copy(Tier.objects.filter(edition=edition))
    copy(ContextFigure.objects.filter(edition=edition))


def _copy_rows(
    rows: models.QuerySet, how: tuple[Any, str], **links: Callable[[Any], Any]
) -> dict[int, models.Model]:
    """Copy rows with new parents (one bulk insert and its history); old pk -> new row."""
    model = rows.model
    originals = list(rows.order_by("pk"))
    copies = []
    for row in originals:
        values = {
            field.attname: getattr(row, field.attname)
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in links
        }
        values.update({name: link(row) for name, link in links.items()})
        copies.append(model(**values))
    user, reason = how
    saved = bulk_create_with_history(copies, model, default_user=user, default_change_reason=reason)
    return {row.pk: copy for row, copy in zip(originals, saved, strict=True)}


# --- check --------------------------------------------------------------------------------------


def edition_rows(edition_id: int) -> checks.EditionRows:
    """The edition's rows as the pure checks take them, in seven queries."""
    on = {"edition_id": edition_id}
    return checks.EditionRows(
        pillars=_rows(checks.PillarRow, Pillar.objects.filter(**on), "key", "weight"),
        practices=_rows(
            checks.PracticeRow, Practice.objects.filter(**on), "key", "pillar__key", "weight"
        ),
        citations=_citation_rows(edition_id),
        questions=_rows(
            checks.QuestionRow,
            Question.objects.filter(**on),
            *("key", "practice__key", "type", "shown_if_question", "shown_if_values"),
        ),
        choices=_rows(
            checks.ChoiceRow,
            Choice.objects.filter(question__edition_id=edition_id),
            "question__key",
            "value",
            "level",
        ),
        tiers=_rows(checks.TierRow, Tier.objects.filter(**on), "key", "min_index"),
        figures=_rows(
            checks.FigureRow, ContextFigure.objects.filter(**on), "statement", "publisher", "year"
        ),
        this_year=timezone.now().year,
        min_observed=settings.OBSERVED_MIN_BRANDS,
    )


def _citation_rows(edition_id: int) -> tuple[checks.CitationRow, ...]:
    rows = Citation.objects.filter(practice__edition_id=edition_id).values_list(
        "practice__key",
        "category__slug",
        "percent",
        "publisher",
        "year",
        "population",
        "use",
        "population_kind",
        "is_proxy",
        "observed_brands",
    )
    return tuple(
        checks.CitationRow(
            practice=practice,
            category=category,
            percent=None if percent is None else float(percent),
            publisher=publisher,
            year=year,
            population=population,
            is_benchmark=use == "benchmark",
            population_kind=kind,
            is_proxy=is_proxy,
            observed_brands=observed_brands,
        )
        for (
            practice,
            category,
            percent,
            publisher,
            year,
            population,
            use,
            kind,
            is_proxy,
            observed_brands,
        ) in rows
    )


def _rows(row_type: type, rows: models.QuerySet, *fields: str) -> tuple:
    return tuple(row_type(*(_float(v) for v in values)) for values in rows.values_list(*fields))


def _float(value: object) -> object:
    # Weights, percents and levels are decimals in the database and floats in the maths.
    return float(value) if isinstance(value, Decimal) else value


def edition_validate(*, edition_id: int) -> list[str]:
    """Every reason the edition cannot be published, each saying what to fix; [] when it can."""
    return [problem.message for problem in edition_problem_rows(edition_id=edition_id)]


def edition_problem_rows(*, edition_id: int) -> list[checks.Problem]:
    """edition_validate() with the row each problem is about (the admin shows it on that row)."""
    problems = checks.edition_problem_rows(edition_rows(edition_id))
    if not problems:
        try:
            # The scoring specs check their own invariants: the last word on what scores.
            edition_spec(edition_id)
        except ValueError as exc:
            message = f"The scoring engine refuses this edition: {exc}."
            problems.append(checks.Problem("edition", "", message))
    return problems


def edition_warnings(*, edition_id: int) -> list[str]:
    """What an admin should know before publishing (proxies used as shares); never a refusal."""
    return checks.edition_warnings(edition_rows(edition_id))


# --- publish ------------------------------------------------------------------------------------


def edition_publish(
    *,
    edition_id: int,
    user=None,
    expected_current_id: int | None = None,
    label: str | None = None,
    release_notes: dict[str, str] | None = None,
    fresh_preview: bool = False,
) -> Edition:
    """Make a valid draft the current edition, in one transaction.

    label and release_notes (language code -> text, English required) are what users read
    about the edition; given, they are stored with the publication. A generated label never
    goes live. With fresh_preview (the admin's publish page), publishing is refused unless the
    latest impact preview started after the draft's last change.

    The draft and the current edition are locked in id order (no deadlock between two admins);
    with expected_current_id, publishing is refused when another edition became current since
    the admin looked, so that two admins publishing at once end with one new current edition.
    """
    with transaction.atomic():
        locked = {
            e.pk: e
            for e in Edition.objects.select_for_update()
            .filter(Q(pk=edition_id) | Q(is_current=True))
            .order_by("pk")
        }
        draft = locked.get(edition_id) or Edition.objects.get(pk=edition_id)
        _release(draft, label, release_notes)
        _check_publishable(draft, expected_current_id)
        if fresh_preview:
            _check_preview(draft)
        now = timezone.now()
        Edition.objects.filter(is_current=True).update(is_current=False)
        moved = Edition.objects.filter(pk=edition_id, status=Edition.Status.DRAFT).update(
            status=Edition.Status.PUBLISHED, is_current=True, published_at=now
        )
        if moved != 1:
            raise EditionRefused(f"Edition {draft.label!r} was published by someone else.")
        changed = list(Edition.objects.filter(Q(pk=edition_id) | Q(pk__in=locked)))
        get_history_manager_for_model(Edition).bulk_history_create(
            changed, update=True, default_user=user
        )
    draft.refresh_from_db()
    return draft


def edition_schedule(
    *,
    edition_id: int,
    at,
    label: str | None = None,
    release_notes: dict[str, str] | None = None,
    fresh_preview: bool = False,
) -> Edition:
    """Publish the draft at `at` (Celery beat runs editions_publish_due): checked as a publish
    is now, so that a scheduled edition does not wait only to be refused."""
    if at <= timezone.now():
        raise EditionRefused("Choose a time in the future, or publish now.")
    with transaction.atomic():
        draft = Edition.objects.select_for_update().get(pk=edition_id)
        if not draft.is_draft:
            raise EditionRefused(f"Edition {draft.label!r} is already published.")
        _release(draft, label, release_notes)
        _check_label(draft)
        if fresh_preview:
            _check_preview(draft)
        problems = edition_validate(edition_id=draft.pk)
        if problems:
            raise EditionInvalid(problems)
        Edition.objects.filter(pk=draft.pk).update(publish_at=at)
    draft.refresh_from_db()
    return draft


def editions_publish_due(*, now=None) -> list[Edition]:
    """Publish every scheduled draft whose time has come, oldest first, and rescore on it.

    A draft changed after its last preview is refused, as on the publish page: what goes live
    is what was previewed. A draft refused at its time loses its schedule, so that it is not
    retried every minute; the log says why.
    """
    due = Edition.objects.filter(
        status=Edition.Status.DRAFT, publish_at__lte=now or timezone.now()
    ).order_by("publish_at", "pk")
    published = []
    for edition_id in due.values_list("pk", flat=True):
        try:
            edition = edition_publish(edition_id=edition_id, fresh_preview=True)
        except EditionRefused as refused:
            logger.warning("Scheduled edition %s not published: %s", edition_id, refused)
            Edition.objects.filter(pk=edition_id).update(publish_at=None)
            continue
        rescore_start(edition=edition)
        published.append(edition)
    return published


def _release(draft: Edition, label: str | None, notes: dict[str, str] | None) -> None:
    """Store the label and release note the publisher gave (refused: nothing is stored)."""
    changes: dict[str, str] = {}
    if label is not None:
        label = label.strip()
        if Edition.objects.filter(label=label).exclude(pk=draft.pk).exists():
            raise EditionRefused(f"Another edition is labelled {label!r}: choose another label.")
        changes["label"] = label
    if notes is not None:
        if not notes.get("en", "").strip():
            raise EditionRefused(
                "Write a release note (in English at least): users read it with the edition."
            )
        for code, text in notes.items():
            changes[build_localized_fieldname("release_note", code)] = text.strip()
    if changes and draft.is_draft:
        Edition.objects.filter(pk=draft.pk, status=Edition.Status.DRAFT).update(**changes)
        draft.refresh_from_db()


def _check_preview(draft: Edition) -> None:
    preview = edition_diff.latest_preview(draft)
    if preview is None or preview.is_running:
        raise EditionRefused(
            "Preview the impact first (\u201cCheck and preview impact\u201d) and let it finish: "
            "publish what you have seen."
        )
    if edition_diff.preview_is_stale(draft, preview):
        raise EditionRefused(
            "The impact preview is older than the draft's last change: run "
            "\u201cCheck and preview impact\u201d again, then publish."
        )


def _check_label(draft: Edition) -> None:
    if not draft.label.strip() or GENERATED_LABEL.match(draft.label):
        raise EditionRefused(
            f"Give the edition a label of its own before publishing: {draft.label!r} is the "
            "label a copy gets, and users read the label in their reports."
        )


def _check_publishable(draft: Edition, expected_current_id: int | None) -> None:
    if not draft.is_draft:
        raise EditionRefused(
            f"Edition {draft.label!r} is already published (perhaps by another admin just now): "
            "there is nothing to publish."
        )
    current = Edition.objects.filter(is_current=True).first()
    if expected_current_id is not None and (current is None or current.pk != expected_current_id):
        raise EditionRefused(
            f"Another admin published {current!s} while you were reviewing {draft.label!r}. "
            "Check the draft and its impact preview against the new current edition, then "
            "publish again."
        )
    _check_label(draft)
    problems = edition_validate(edition_id=draft.pk)
    if problems:
        raise EditionInvalid(problems)


# --- which assessments: the latest scored one of each brand -------------------------------------


def latest_scored() -> models.QuerySet[Assessment]:
    newest = (
        Assessment.objects.filter(brand=OuterRef("brand"), status=Assessment.Status.SCORED)
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    return Assessment.objects.filter(status=Assessment.Status.SCORED, pk=Subquery(newest))


def _id_chunks(size: int) -> Iterator[list[int]]:
    """The ids of latest_scored() in order, in fixed-size chunks, read in one query."""
    ids = _latest_scored_ids()
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _latest_scored_ids() -> list[int]:
    if connection.vendor != "postgresql":
        return list(latest_scored().order_by("pk").values_list("pk", flat=True))
    # DISTINCT ON: one pass over the brands' newest-first index. The correlated subquery of
    # latest_scored(), read a chunk at a time, took longer than the rescoring itself at 5,000
    # assessments (bench/notes/rescoring.md); the same order picks the same assessment.
    newest = (
        Assessment.objects.filter(status=Assessment.Status.SCORED)
        .order_by("brand_id", "-submitted_at", "-id")
        .distinct("brand_id")
        .values_list("pk", flat=True)
    )
    return sorted(newest)


# --- jobs: preview and rescore ------------------------------------------------------------------


def _job_start(*, edition: Edition, kind: str, user, chunk_size: int | None) -> EditionJob:
    size = chunk_size or settings.EDITION_JOB_CHUNK_SIZE
    with transaction.atomic():
        scorecard_store.bulk_session(wait_for_disk=True)  # jit off: see there
        job = EditionJob.objects.create(
            edition=edition, kind=kind, chunk_size=size, created_by=user
        )
        chunks = [
            JobChunk(job=job, number=number, assessment_ids=ids)
            for number, ids in enumerate(_id_chunks(size))
        ]
        JobChunk.objects.bulk_create(chunks)
        job.total = sum(len(chunk.assessment_ids) for chunk in chunks)
        if not chunks:
            job.status, job.finished_at = EditionJob.Status.FINISHED, timezone.now()
        job.save(update_fields=["total", "status", "finished_at"])
    return job


def edition_preview(*, edition: Edition, user=None, chunk_size: int | None = None) -> EditionJob:
    """How the draft would move each brand's latest scored assessment.

    Up to IMPACT_PREVIEW_SYNC_LIMIT assessments are computed at once; more go to Celery.
    """
    if not edition.is_draft:
        raise EditionRefused(f"Edition {edition.label!r} is published: preview a draft instead.")
    problems = edition_validate(edition_id=edition.pk)
    if problems:
        raise EditionInvalid(problems)
    job = _job_start(
        edition=edition, kind=EditionJob.Kind.PREVIEW, user=user, chunk_size=chunk_size
    )
    if job.total <= settings.IMPACT_PREVIEW_SYNC_LIMIT:
        for number in range(job.chunks.count()):
            preview_chunk(job_id=job.pk, number=number)
        job.refresh_from_db()
    else:
        _enqueue_chunks(job, job.chunks.values_list("number", flat=True))
    return job


def preview_chunk(*, job_id: int, number: int) -> bool:
    """Compare one chunk's stored results with the draft; False if it was done already."""
    chunk = _pending_chunk(job_id, number)
    if chunk is None:
        return False
    draft = edition_spec(chunk.job.edition_id)
    before = _standings_before(chunk.assessment_ids)
    tally = ImpactTally()
    brands = []
    for pk, card in scorecard_store.scorecards_for_ids(chunk.assessment_ids, draft):
        brand, standing = before[pk]
        after = standing_of(card)
        tally.add(pk, brand, standing, after)
        brands.append([pk, brand, standing.index, after.index, standing.tier_name, after.tier_name])
    # Every brand's before and after, for the preview's paginated list (preview_brands).
    return _finish_chunk(chunk, tally={**tally.to_json(), BRANDS_KEY: brands})


def _standings_before(assessment_ids: list[int]) -> dict[int, tuple[str, Standing]]:
    """Each assessment's brand and stored standing, in two queries of plain values.

    Plain values rather than model rows: thousands of row objects cost more than the scoring
    itself.
    """
    rows = list(
        Assessment.objects.filter(pk__in=assessment_ids).values_list(
            "pk", "brand__name", "result_id", "result__readiness_index", "result__tier_name"
        )
    )
    pillars: dict[int, dict[str, float | None]] = defaultdict(dict)
    result_ids = [row[2] for row in rows if row[2] is not None]
    for result_id, key, score in PillarResult.objects.filter(result_id__in=result_ids).values_list(
        "result_id", "key", "score"
    ):
        pillars[result_id][key] = score
    return {
        pk: (brand, Standing(index, tier or "", pillars.get(result_id, {})))
        for pk, brand, result_id, index, tier in rows
    }


BRANDS_KEY = "brands"


def preview_brands(job: EditionJob, *, offset: int, limit: int) -> list[Mover]:
    """Brands offset..offset+limit of the preview, in assessment order, reading only their chunks.

    Chunk n holds assessments n*chunk_size.. of the job (_job_start), so a page is one or two
    chunks whatever the size of the preview.
    """
    first, last = offset // job.chunk_size, (offset + limit - 1) // job.chunk_size
    chunks = job.chunks.filter(done=True, number__gte=first, number__lte=last).order_by("number")
    rows = [
        row
        for tally in chunks.values_list("tally", flat=True)
        for row in (tally or {}).get(BRANDS_KEY, [])
    ]
    start = offset - first * job.chunk_size
    return [Mover(*row) for row in rows[start : start + limit]]


def preview_summary(job: EditionJob) -> ImpactSummary:
    """The preview's figures over the chunks done so far (all of them once the job finished)."""
    tallies = job.chunks.filter(done=True).values_list("tally", flat=True)
    return merged(ImpactTally.from_json(t) for t in tallies if t).summary()


def rescore_start(
    *, edition: Edition, user=None, chunk_size: int | None = None, enqueue: bool = True
) -> EditionJob:
    """Score the latest assessment of each brand again on a published edition, in chunks.

    With enqueue=False the caller runs the chunks itself (the management command does).
    """
    if edition.is_draft:
        raise EditionRefused(f"Edition {edition.label!r} is a draft: publish it before rescoring.")
    job = _job_start(
        edition=edition, kind=EditionJob.Kind.RESCORE, user=user, chunk_size=chunk_size
    )
    if enqueue:
        _enqueue_chunks(job, job.chunks.values_list("number", flat=True))
    return job


def rescore_chunk(*, job_id: int, number: int) -> bool:
    """Store one chunk's results on the job's edition; False if it was done already."""
    chunk = _pending_chunk(job_id, number)
    if chunk is None:
        return False
    scorecard_store.results_store_bulk(
        assessment_ids=chunk.assessment_ids, edition_id=chunk.job.edition_id
    )
    return _finish_chunk(chunk)


def job_chunk_run(*, job_id: int, number: int) -> bool:
    """Run one chunk of either kind of job."""
    kind = EditionJob.objects.values_list("kind", flat=True).filter(pk=job_id).first()
    if kind is None:
        logger.info("Edition job %s is gone; nothing to do.", job_id)
        return False
    run = preview_chunk if kind == EditionJob.Kind.PREVIEW else rescore_chunk
    return run(job_id=job_id, number=number)


def job_chunk_fail(*, job_id: int, number: int, reason: str) -> None:
    JobChunk.objects.filter(job_id=job_id, number=number, done=False).update(error=reason[:2000])


def job_resume(*, job: EditionJob) -> int:
    """Send the chunks that are not done again (after a failure); returns how many."""
    numbers = list(job.chunks.filter(done=False).values_list("number", flat=True))
    with transaction.atomic():
        job.chunks.filter(done=False).update(error="")
        _enqueue_chunks(job, numbers)
    return len(numbers)


def _enqueue_chunks(job: EditionJob, numbers) -> None:
    # Imported here: tasks import this module.
    from assessments.tasks import edition_job_chunk_task

    for number in numbers:
        edition_job_chunk_task.delay_on_commit(job.pk, number)


def _pending_chunk(job_id: int, number: int) -> JobChunk | None:
    chunk = JobChunk.objects.select_related("job").filter(job_id=job_id, number=number).first()
    if chunk is None or chunk.done:
        logger.info("Chunk %s of job %s is done or gone; nothing to do.", number, job_id)
        return None
    return chunk


def _finish_chunk(chunk: JobChunk, **fields: object) -> bool:
    """Count a chunk once: only the delivery that moves done False -> True adds to the job."""
    with transaction.atomic():
        moved = JobChunk.objects.filter(pk=chunk.pk, done=False).update(
            done=True, error="", **fields
        )
        if moved != 1:
            return False
        jobs = EditionJob.objects.filter(pk=chunk.job_id)
        jobs.update(done=F("done") + len(chunk.assessment_ids))
        jobs.filter(status=EditionJob.Status.RUNNING, done__gte=F("total")).update(
            status=EditionJob.Status.FINISHED, finished_at=timezone.now()
        )
    return True
