"""The China benchmark as data: an edition holds pillars, practices, questions, figures and tiers.

A published edition is never edited; admins copy it into a draft, change the draft and publish
it. Results point at the edition they used, so an old report always renders as it was scored.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.core import edition_checks as checks
from assessments.core.evidence import PopulationKind as Kind
from assessments.generations import FreshManager, FreshQuerySet

READ_ONLY_MESSAGE = (
    "Edition {label!r} is published and read-only. Create a draft from it, change the draft and "
    "publish that instead."
)


# Each translated model declares its manager with its type: django-modeltranslation replaces it at
# run time with a subclass it builds (MultilingualManager), which a type checker cannot see.


class PublishedEditionReadOnly(Exception):
    """A write to a published edition or one of its rows: published editions never change."""


def _published(edition_id: int | None) -> Edition | None:
    if edition_id is None:
        return None
    return Edition.objects.filter(pk=edition_id, status=Edition.Status.PUBLISHED).first()


class EditionPart(models.Model):
    """A row that belongs to an edition and so is read-only once the edition is published.

    The guard lives in save() and delete() so that nothing edits a published edition by accident,
    and in clean() so that admin forms show it as a message instead of an error page. The seed
    migration uses historical models, which have none of these methods, and bulk writes bypass
    them: only the edition workflows in assessments/publishing.py use those.
    """

    # The foreign key that leads to the edition, and the path from this row to the edition's id.
    edition_path = "edition_id"
    # The author simple_history records for the next save, when there is no request to read.
    _history_user: object

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def owning_edition_id(self) -> int | None:
        owner: object = self
        for step in self.edition_path.split("."):
            owner = getattr(owner, step, None)
        return owner if isinstance(owner, int) else None

    def published_edition(self) -> Edition | None:
        """The published edition this row belongs to (or belonged to when it was read), if any."""
        edition = _published(self.owning_edition_id())
        if edition is None and self.pk is not None:
            stored = type(self)._default_manager.filter(pk=self.pk).first()
            edition = _published(stored.owning_edition_id()) if stored else None
        return edition

    def row_problems(self) -> dict[str, str]:
        """What is wrong with this row on its own (field -> message); see edition_checks."""
        return {}

    def parent_editions(self) -> dict[str, int | None]:
        """The edition of each parent that carries one (field -> edition id): it must be ours."""
        return {}

    def clean(self) -> None:
        super().clean()
        edition = self.published_edition()
        if edition is not None:
            raise ValidationError(READ_ONLY_MESSAGE.format(label=edition.label))
        problems = self.row_problems()
        problems.update(checks.parent_problems(self.owning_edition_id(), self.parent_editions()))
        if problems:
            raise ValidationError(problems)

    def _refuse_if_published(self) -> None:
        edition = self.published_edition()
        if edition is not None:
            raise PublishedEditionReadOnly(READ_ONLY_MESSAGE.format(label=edition.label))


class Category(models.Model):
    """An industry category; benchmark figures are given per category."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    # The category for brands outside the named ones; it never has figures of its own.
    is_fallback = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = FreshQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["is_fallback"], condition=Q(is_fallback=True), name="one_fallback_category"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EditionQuerySet(FreshQuerySet["Edition"]):
    def current(self) -> Edition:
        return self.get(is_current=True)

    def with_benchmark(self) -> EditionQuerySet:
        """Pillars, tiers and practices with their benchmark citations, in a fixed query count.

        Each practice gets `benchmark_citations`: only the figures scoring uses.
        """
        citations = Prefetch(
            "citations",
            queryset=Citation.objects.filter(use=Citation.Use.BENCHMARK).select_related("category"),
            to_attr="benchmark_citations",
        )
        # The plugin types to_attr only on this queryset's rows and refuses the declaration on
        # Practice that the rows reached through edition.practices need.
        practices = Practice.objects.select_related("pillar").prefetch_related(citations)  # type: ignore[no-redef]
        return self.prefetch_related("pillars", "tiers", Prefetch("practices", queryset=practices))


EditionManager = models.Manager.from_queryset(EditionQuerySet)


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    label = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_current = models.BooleanField(default=False)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    # Asked for at publish (publishing.edition_publish): what changed, in users' words.
    release_note = models.TextField(
        blank=True, help_text="What changed in this edition, for the brands that read it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set when an editor marks the draft ready for review (publishing.edition_request_review).
    review_requested_at = models.DateTimeField(null=True, blank=True)
    # A scheduled draft: Celery beat publishes it at this time (publishing.editions_publish_due).
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When this draft becomes the current edition."
    )

    objects: ClassVar[EditionManager[Edition]] = EditionManager()
    history = HistoricalRecords()
    # The author simple_history records for the next save, when there is no request to read.
    _history_user: object

    class Meta:
        ordering = ["-created_at"]
        # Editors change drafts; only a publisher makes one current (accounts.Role).
        permissions = [("publish_edition", "Can publish an edition and rescore on it")]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_edition"
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="published"),
                name="current_edition_is_published",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        # Publishing moves status and is_current with conditional UPDATEs (publishing.py), never
        # through save(): a save of a stored published edition is always an accident.
        if self.pk is not None and _published(self.pk) is not None:
            raise PublishedEditionReadOnly(READ_ONLY_MESSAGE.format(label=self.label))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _published(self.pk) is not None:
            raise PublishedEditionReadOnly(READ_ONLY_MESSAGE.format(label=self.label))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


def _edition_of(model: type[models.Model], pk: int | None) -> int | None:
    if pk is None:
        return None
    return model._default_manager.filter(pk=pk).values_list("edition_id", flat=True).first()


# A practice's pillar and a question's practice are of the row's own edition: the models check it
# in clean() (admin forms show the message), and on PostgreSQL a composite foreign key
# (migration 0019) refuses any other write. These unique pairs are what that key points at.
def _id_with_edition(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["id", "edition"], name=name)


class Pillar(EditionPart):
    objects: ClassVar[FreshManager[Pillar]] = FreshManager()

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="pillars")
    key = models.SlugField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="pillar_key_per_edition"),
            _id_with_edition("pillar_id_with_edition"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="pillar_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def row_problems(self) -> dict[str, str]:
        weight = None if self.weight is None else float(self.weight)
        return checks.weight_problems(weight, f"pillar {self.key!r}")


class Practice(EditionPart):
    objects: ClassVar[FreshManager[Practice]] = FreshManager()
    # Filled by a Prefetch(to_attr=...) in Edition.objects.with_benchmark() and in the
    # questionnaire's step_questions(): only the figures scoring uses.
    benchmark_citations: list[Citation]

    class Effort(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="practices")
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="practices")
    key = models.SlugField()
    title = models.CharField(max_length=200)
    recommendation = models.TextField()
    effort = models.PositiveSmallIntegerField(choices=Effort.choices, default=Effort.MEDIUM)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "pillar__position", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="practice_key_per_edition"),
            _id_with_edition("practice_id_with_edition"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="practice_weight_not_negative"),
            models.CheckConstraint(condition=Q(effort__gte=1), name="practice_effort_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def row_problems(self) -> dict[str, str]:
        weight = None if self.weight is None else float(self.weight)
        return checks.weight_problems(weight, f"practice {self.key!r}")

    def parent_editions(self) -> dict[str, int | None]:
        return {"pillar": _edition_of(Pillar, self.pillar_id)}


class PopulationKind(models.TextChoices):
    BRANDS = Kind.BRANDS.value, "Brands (a share of brands or merchants)"
    SALES = Kind.SALES.value, "Sales (a share of GMV, orders or stream time)"
    CONSUMERS = Kind.CONSUMERS.value, "Consumers (shoppers or platform users)"
    MARKET = Kind.MARKET.value, "Market (sizes, growth, surveys of the trade)"


class Citation(EditionPart):
    """A sourced statement about a practice: a benchmark figure, a Western contrast, or support."""

    objects: ClassVar[FreshManager[Citation]] = FreshManager()

    class Use(models.TextChoices):
        BENCHMARK = "benchmark", "Benchmark (used in scoring)"
        CONTRAST = "contrast", "Western contrast"
        SUPPORTING = "supporting", "Supporting evidence"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="citations")
    # Empty means the figure describes a population across categories (e.g. all WeChat users).
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    use = models.CharField(max_length=12, choices=Use.choices, default=Use.BENCHMARK)
    # Empty for qualitative evidence ("ubiquitous"): the benchmark falls back
    # (see core/prevalence.py).
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    statement = models.TextField(help_text="What the source says, in its words where possible.")
    population = models.CharField(max_length=200, help_text="Whom the figure describes.")
    population_kind = models.CharField(
        max_length=10,
        choices=PopulationKind.choices,
        default="",  # required in forms (blank=False); the default only fills rows migrated
        help_text="What the figure counts. Only a share of brands is '% of brands'.",
    )
    is_proxy = models.BooleanField(
        default=False,
        verbose_name="proxy",
        help_text="Not a share of brands, used for want of one: reports say proxy.",
    )
    publisher = models.CharField(
        max_length=200,
        default="",
        help_text="Who published it, as readers know them (e.g. 'L2 Inc.').",
    )
    title = models.CharField(max_length=300, blank=True, help_text="The study or article.")
    year = models.PositiveSmallIntegerField()
    url = models.URLField(blank=True)
    note = models.TextField(blank=True)
    # Set on a figure the service observed among this many distinct brands (observed.py).
    observed_brands = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Where the row came from, for admins only: never shown on a page, an export or the API.
    source = models.CharField(max_length=300, blank=True, verbose_name="internal reference")

    edition_path = "practice.edition_id"
    history = HistoricalRecords()

    class Meta:
        ordering = ["practice", "use", "category__position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="citation_percent_in_range",
            )
        ]

    def __str__(self) -> str:
        figure = f"{self.percent:g}%" if self.percent is not None else "qualitative"
        return f"{figure}: {self.publisher} ({self.year})"

    def row_problems(self) -> dict[str, str]:
        return checks.citation_problems(
            checks.CitationRow(
                practice="",
                category=None,
                percent=None if self.percent is None else float(self.percent),
                publisher=self.publisher or "",
                year=self.year,
                population=self.population or "",
                population_kind=self.population_kind or "",
                is_proxy=self.is_proxy,
                is_benchmark=self.use == self.Use.BENCHMARK,
                observed_brands=self.observed_brands,
            ),
            this_year=timezone.now().year,
            min_observed=settings.OBSERVED_MIN_BRANDS,
        )


class Question(EditionPart):
    objects: ClassVar[FreshManager[Question]] = FreshManager()

    class Type(models.TextChoices):
        YES_NO = "yes_no", "Yes / no"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        PERCENT = "percent", "Percent (0-100)"
        FREQUENCY = "frequency", "Frequency"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    help_text = models.TextField(blank=True)
    type = models.CharField(max_length=10, choices=Type.choices)
    allows_na = models.BooleanField(default=False, verbose_name="allows N/A")
    position = models.PositiveSmallIntegerField(default=0)
    # Skip logic (assessments/core/skip.py): asked only when the question with this key, in
    # any pillar of the edition, is answered with one of shown_if_values.
    shown_if_question = models.SlugField(
        max_length=60,
        blank=True,
        verbose_name="shown only if question",
        help_text="Key of the question whose answer decides whether this one is asked "
        "(e.g. msg-account). Empty: always asked.",
    )
    shown_if_values = models.JSONField(
        default=list,
        blank=True,
        verbose_name="is answered with",
        help_text="The choice values of that question that ask this one, e.g. "
        '["dormant", "active"]. A hidden question counts as not applicable.',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "practice__pillar__position", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="question_key_per_edition")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    def parent_editions(self) -> dict[str, int | None]:
        return {"practice": _edition_of(Practice, self.practice_id)}


class Choice(EditionPart):
    """An allowed answer and the adoption level (0 to 1) it stands for."""

    objects: ClassVar[FreshManager[Choice]] = FreshManager()

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    level = models.DecimalField(max_digits=4, decimal_places=3)
    position = models.PositiveSmallIntegerField(default=0)

    edition_path = "question.edition_id"
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_value_per_question"),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=1), name="choice_level_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def row_problems(self) -> dict[str, str]:
        if self.level is None:
            return {}
        return checks.choice_problems(checks.ChoiceRow("", self.value, float(self.level)))


class Tier(EditionPart):
    """A named band of the readiness index; the highest min_index at or below the index wins."""

    objects: ClassVar[FreshManager[Tier]] = FreshManager()

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="tiers")
    key = models.SlugField()
    name = models.CharField(max_length=60)
    min_index = models.DecimalField(max_digits=6, decimal_places=2)
    summary = models.TextField(help_text="What the tier means, in a manager's words.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "-min_index"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="tier_key_per_edition"),
            models.CheckConstraint(condition=Q(min_index__gte=0), name="tier_min_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def row_problems(self) -> dict[str, str]:
        if self.min_index is None:
            return {}
        return checks.tier_problems(checks.TierRow(self.key, float(self.min_index)))


class ContextFigure(EditionPart):
    """A sourced figure shown in reports for context; it never enters a score."""

    objects: ClassVar[FreshManager[ContextFigure]] = FreshManager()

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="context_figures")
    statement = models.TextField()
    publisher = models.CharField(max_length=200, default="", help_text="Who published it.")
    title = models.CharField(max_length=300, blank=True, help_text="The study or article.")
    year = models.PositiveSmallIntegerField()
    population = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # For admins only, never shown (see Citation.source).
    source = models.CharField(max_length=300, blank=True, verbose_name="internal reference")

    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "position", "id"]

    def __str__(self) -> str:
        return self.statement[:80]

    def row_problems(self) -> dict[str, str]:
        return checks.figure_problems(
            checks.FigureRow(self.statement or "", self.publisher or "", self.year),
            this_year=timezone.now().year,
        )
