"""A small demo: brands with scored assessments and logins, for `make run` and for tests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments import scorecard_store, services
from assessments.accounts import Role, user_create
from assessments.core.specs import EditionSpec, QuestionType
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Brand, Category, Edition

# Published in the README for `make run`: only ever set on a development machine (DEBUG on).
DEMO_PASSWORD = "demo-readiness"
# (brand slug, brand name, category slug, maturity of each successive assessment, 0 to 1) on the
# current edition (the 2026 China benchmark after migrate).
DEMO_BRANDS = [
    ("lumiere-beauty", "Lumière Beauty", "beauty", [0.6]),
    ("northwind-watches", "Northwind Watches", "watches-jewelry", [0.45]),
    ("fresh-pantry", "Fresh Pantry", "cpg", [0.2]),
    ("maison-aurel", "Maison Aurel", "luxury", [0.5]),
]
# Lumière was first assessed on the first edition: its report shows the trend as a change of
# edition, and that earlier report stays on the 2017 benchmark and says so.
EARLIER = {"lumiere-beauty": ("2017 China benchmark", 0.3)}
EARLIER_DAYS_AGO = 300


def answers_at(spec: EditionSpec, maturity: float) -> dict[str, object]:
    """Answers of a brand whose practice sits at `maturity` (0 to 1) on every question."""
    answers: dict[str, object] = {}
    for q in spec.questions:
        if q.type == QuestionType.PERCENT:
            answers[q.key] = round(100 * maturity)
        elif q.type == QuestionType.MULTIPLE:
            answers[q.key] = [c.value for c in q.choices[: round(maturity * len(q.choices))]]
        else:
            ordered = sorted(q.choices, key=lambda c: c.level)
            answers[q.key] = ordered[round(maturity * (len(ordered) - 1))].value
    return answers


def load_demo(*, password: str = DEMO_PASSWORD) -> list[str]:
    """Create the demo once; returns lines that tell a person how to log in."""
    with transaction.atomic():
        if not Brand.objects.filter(slug=DEMO_BRANDS[0][0]).exists():
            _create_demo(password)
    site = settings.DEMO_SITE_URL
    return [
        f"Demo logins (password for all: {password}):",
        f"  manager     brand manager of every demo brand: {site}/",
        f"  consultant  consultant for the demo brands: {site}/api/docs/",
        f"  admin       admin: {site}/admin/",
        "Every page speaks English and 简体中文: pick one in the language menu at the top.",
    ]


def _create_demo(password: str) -> None:
    slugs = [slug for slug, *_ in DEMO_BRANDS]
    manager, _ = user_create(
        username="manager", role=Role.BRAND_MANAGER, brand_slugs=slugs, password=password
    )
    user_create(username="consultant", role=Role.CONSULTANT, brand_slugs=slugs, password=password)
    user_create(username="admin", role=Role.ADMIN, password=password)
    spec = edition_spec(Edition.objects.current().pk)
    for slug, name, category_slug, maturities in DEMO_BRANDS:
        category = Category.objects.get(slug=category_slug)
        Brand.objects.filter(slug=slug).update(name=name, default_category=category)
        brand = Brand.objects.get(slug=slug)
        if slug in EARLIER:
            _scored_on_earlier_edition(brand, category, manager, *EARLIER[slug])
        for maturity in maturities:
            services.assessment_create(
                brand=brand,
                category=category,
                user=manager,
                answers=answers_at(spec, maturity),
                submit=True,
            )


def _scored_on_earlier_edition(brand, category, manager, label: str, maturity: float) -> None:
    """An assessment answered on an earlier edition's questionnaire and scored on that edition.

    Submitting through the services would score it on the current edition; the demo needs one
    as a brand assessed before the 2026 edition was published would have it.
    """
    edition = Edition.objects.filter(label=label).first()
    if edition is None:
        return
    assessment = Assessment.objects.create(
        brand=brand, category=category, edition=edition, created_by=manager
    )
    answers = answers_at(edition_spec(edition.pk), maturity)
    services.assessment_save_answers(assessment=assessment, answers=answers, expected_version=None)
    then = timezone.now() - timedelta(days=EARLIER_DAYS_AGO)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_at=then, submitted_by=manager
    )
    scorecard_store.results_store_bulk(assessment_ids=[assessment.pk], edition_id=edition.pk)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.SCORED, scored_at=then
    )
