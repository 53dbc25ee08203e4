"""A brand's questionnaire, its answers, and the results scored from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.generations import FreshQuerySet

# What a list row shows (api.serializers.AssessmentSerializer, downloads.assessments_csv_lines). The
# category name is read in the request's language, falling back to English: both columns are
# loaded, or each row would fetch the one left out (assessments/translation.py).
LIST_COLUMNS = (
    *("status", "version", "created_at", "updated_at", "submitted_at", "scored_at"),
    *("brand__slug", "brand__name", "category__slug", "edition__label"),
    *("category__name_en", "category__name_zh_hans"),
    *("result__overall", "result__readiness_index"),
    *("result__tier_key", "result__tier_name", "result__tier_summary"),
    # The tier is named as the result's edition words it (assessments.localized.TierTexts).
    "result__edition",
)


class AssessmentQuerySet(FreshQuerySet["Assessment"]):
    def visible_to(self, user) -> AssessmentQuerySet:
        """The one access rule for assessments, shared by web pages, API, exports and webhooks:
        those of the brands Brand.objects.visible_to() gives (admins all, others their own)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        # Brand.objects.visible_to() as a join, not a subquery: a membership is unique per user
        # and brand, so no row repeats, and the ORM compiles one query instead of two (a third
        # of a built API report's time went to compiling its main query, bench/notes/reads.md).
        return self.filter(brand__memberships__user=user)

    def with_report(self) -> AssessmentQuerySet:
        """Everything a report shows, in a fixed number of queries whatever its size."""
        return (
            # Not submitted_by: no report shows it, and each join adds to the planning time.
            self.select_related("brand", "category", "edition", "result__edition").prefetch_related(
                "result__pillars", "result__recommendations"
            )
        )

    def for_list(self) -> AssessmentQuerySet:
        """Rows as lists show them (the API page and its CSV), reading only the columns shown.

        A 50-item page builds 250 model instances: unread columns were most of its time
        (bench/notes/api.md).
        """
        return self.select_related("brand", "category", "edition", "result").only(*LIST_COLUMNS)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, waiting to be scored")
        SCORING = "scoring", _("Scoring")
        SCORED = "scored", _("Scored")
        FAILED = "failed", _("Scoring failed")

    brand = models.ForeignKey(
        "assessments.Brand", on_delete=models.CASCADE, related_name="assessments"
    )
    category = models.ForeignKey("assessments.Category", on_delete=models.PROTECT, related_name="+")
    # The edition whose questionnaire the brand answers; a result may use a later edition.
    edition = models.ForeignKey("assessments.Edition", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # An optional name that tells drafts apart on the dashboard ("Before the 11.11 campaign").
    # db_default: rows written by COPY (bulk paths, the benchmark) name no column they leave empty.
    name = models.CharField(_("name"), max_length=80, blank=True, default="", db_default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who saved the draft last: the dashboard shows it, and an edit conflict names them.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every saved draft step: a save that read an older version is a conflict.
    version = models.PositiveIntegerField(default=0)
    # The questionnaire step (pillar key) to resume at.
    # Never looked up by: no index (a slug field gets two by default, and a rescoring rewrites
    # every assessment row, so every index of this table is written once per assessment).
    resume_step = models.SlugField(blank=True, db_index=False)
    failure_reason = models.TextField(blank=True)
    # The latest result, kept here so that a report is one join away, not a search.
    result = models.ForeignKey(
        "assessments.Result", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["brand", "-submitted_at"], name="assessment_brand_submitted"),
            models.Index(fields=["status", "updated_at"], name="assessment_status_updated"),
            models.Index(fields=["-created_at", "-id"], name="assessment_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} / {self.category} #{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Answer(models.Model):
    """One answer; an SQL NULL value means "not applicable", a missing row "not answered yet"."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("assessments.Question", on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FreshQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.assessment_id}"


class Result(models.Model):
    """A scorecard stored for an assessment under one edition; it can always be derived again.

    Rescoring writes these and their children by the hundred thousand: an index that no query
    uses costs every row written, so the foreign keys that lead a unique constraint's index
    have no index of their own, and the keys nothing filters on have none (bench/notes).
    """

    # Indexed as the first column of one_result_per_edition.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="results", db_index=False
    )
    edition = models.ForeignKey("assessments.Edition", on_delete=models.PROTECT, related_name="+")
    overall = models.FloatField(null=True)
    benchmark_overall = models.FloatField(null=True)
    readiness_index = models.FloatField(null=True)
    tier_key = models.SlugField(blank=True)
    tier_name = models.CharField(max_length=60, blank=True)
    tier_summary = models.TextField(blank=True)
    # No stored explanation: answers and edition never change once scored, so
    # services.scorecard_for(...).explain() gives it again, number for number. Stored, it was
    # 16 kB of JSON per result that nothing read, and 40% of a rescoring (bench/notes/rescoring.md).
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FreshQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Exactly one result per assessment and edition, however often a task is delivered.
            models.UniqueConstraint(fields=["assessment", "edition"], name="one_result_per_edition")
        ]

    def __str__(self) -> str:
        return f"Result of {self.assessment_id} on {self.edition_id}"


class PillarResult(models.Model):
    # Indexed as the first column of one_row_per_pillar.
    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="pillars", db_index=False
    )
    key = models.SlugField(db_index=False)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()
    weight = models.FloatField()
    score = models.FloatField(null=True)
    benchmark = models.FloatField(null=True)

    objects = FreshQuerySet.as_manager()

    class Meta:
        ordering = ["result", "position"]
        constraints = [models.UniqueConstraint(fields=["result", "key"], name="one_row_per_pillar")]

    def __str__(self) -> str:
        return f"{self.name}: {self.score}"

    @property
    def gap(self) -> float | None:
        if self.score is None or self.benchmark is None:
            return None
        return self.score - self.benchmark


class Recommendation(models.Model):
    # Indexed as the first column of one_recommendation_per_rank.
    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="recommendations", db_index=False
    )
    rank = models.PositiveSmallIntegerField()
    bucket = models.CharField(max_length=2)
    practice_key = models.SlugField(db_index=False)
    pillar_key = models.SlugField(db_index=False)
    title = models.CharField(max_length=200)
    text = models.TextField()
    effort = models.PositiveSmallIntegerField()
    expected_gain = models.FloatField()
    priority_score = models.FloatField()
    share = models.FloatField(null=True)
    basis = models.CharField(max_length=20)
    # A copy of the citations, so the report shows the evidence it was ranked on.
    evidence = models.JSONField(default=list)

    objects = FreshQuerySet.as_manager()

    class Meta:
        ordering = ["result", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["result", "rank"], name="one_recommendation_per_rank"),
            models.CheckConstraint(
                condition=Q(bucket__in=["P1", "P2", "P3", "P4"]), name="recommendation_bucket"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bucket} #{self.rank}: {self.title}"
