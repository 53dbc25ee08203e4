"""A small demo: brands with scored assessments and logins, for `make run` and for tests."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from assessments import generations, services
from assessments.accounts import Role, user_create
from assessments.core.specs import EditionSpec, QuestionType
from assessments.edition_specs import edition_spec
from assessments.models import Brand, Category, Edition

DEMO_PASSWORD = "demo-readiness"
# (brand slug, brand name, category slug, maturity of each successive assessment, 0 to 1)
DEMO_BRANDS = [
    ("lumiere-beauty", "Lumière Beauty", "beauty", [0.3, 0.6]),
    ("northwind-watches", "Northwind Watches", "watches-jewelry", [0.45]),
    ("fresh-pantry", "Fresh Pantry", "cpg", [0.2]),
]


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


def load_demo() -> list[str]:
    """Create the demo once; returns lines that tell a person how to log in."""
    with transaction.atomic():
        if not Brand.objects.filter(slug=DEMO_BRANDS[0][0]).exists():
            _create_demo()
    site = settings.DEMO_SITE_URL
    return [
        f"Demo logins (password for all: {DEMO_PASSWORD}):",
        f"  manager     brand manager of every demo brand: {site}/",
        f"  consultant  consultant for the demo brands: {site}/api/docs/",
        f"  admin       admin: {site}/admin/",
        "Every page speaks English and 简体中文: pick one in the language menu at the top.",
    ]


def _create_demo() -> None:
    slugs = [slug for slug, *_ in DEMO_BRANDS]
    manager, _ = user_create(
        username="manager", role=Role.BRAND_MANAGER, brand_slugs=slugs, password=DEMO_PASSWORD
    )
    user_create(
        username="consultant", role=Role.CONSULTANT, brand_slugs=slugs, password=DEMO_PASSWORD
    )
    user_create(username="admin", role=Role.ADMIN, password=DEMO_PASSWORD)
    spec = edition_spec(Edition.objects.current().pk)
    for slug, name, category_slug, maturities in DEMO_BRANDS:
        category = Category.objects.get(slug=category_slug)
        Brand.objects.filter(slug=slug).update(name=name, default_category=category)
        generations.bump()  # QuerySet.update() sends no signal; lists and reports name brands
        brand = Brand.objects.get(slug=slug)
        for maturity in maturities:
            services.assessment_create(
                brand=brand,
                category=category,
                user=manager,
                answers=answers_at(spec, maturity),
                submit=True,
            )
