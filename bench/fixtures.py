"""The rows items 1 and 2 read: a consultant with a token, scored reports, a 50-item list.

Made once per bench database with the project's own services (scored in-process), and found
again on later runs, so a run costs seconds, not a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from assessments import services
from assessments.accounts import Role, user_create
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Brand, Category, Edition

CONSULTANT = "bench-consultant"
MANAGER = "bench-manager"
# Six brands: the report's percentile needs at least five peers, so it is computed, as in use.
BRANDS = [f"bench-api-{n}" for n in range(1, 7)]
LIST_ITEMS = 54  # more than the 50 a list page shows
FEW, MANY = 0.95, 0.1  # maturities: a nearly full adopter has few recommendations, a novice many


@dataclass(frozen=True)
class ApiData:
    token: str
    report_few: int  # an assessment whose report has few recommendations
    report_many: int
    recommendations_few: int
    recommendations_many: int


@contextmanager
def tasks_in_process() -> Iterator[None]:
    """Score on submit in this process (the bench process has a broker, but no worker yet)."""
    from readiness.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


def api_data() -> ApiData:
    _, token = user_create(
        username=CONSULTANT, role=Role.CONSULTANT, brand_slugs=BRANDS, token_name="bench"
    )
    assert token is not None  # asked for with token_name
    if not Assessment.objects.filter(brand__slug__in=BRANDS).exists():
        _create_assessments()
    few, few_count = _report(FEW)
    many, many_count = _report(MANY)
    return ApiData(token, few, many, few_count, many_count)


def _report(maturity: float) -> tuple[int, int]:
    brand = BRANDS[0] if maturity == FEW else BRANDS[1]
    assessment = (
        Assessment.objects.filter(brand__slug=brand, status=Assessment.Status.SCORED)
        .select_related("result")
        .latest("created_at")
    )
    return assessment.pk, assessment.result.recommendations.count()


def _create_assessments() -> None:
    manager, _ = user_create(username=MANAGER, role=Role.BRAND_MANAGER, brand_slugs=BRANDS)
    spec = edition_spec(Edition.objects.current().pk)
    categories = list(Category.objects.order_by("slug"))
    with tasks_in_process(), transaction.atomic():
        for n in range(LIST_ITEMS):
            slug = BRANDS[n % len(BRANDS)]
            maturity = {0: FEW, 1: MANY}.get(n % len(BRANDS), (n % 10) / 10)
            services.assessment_create(
                brand=Brand.objects.get(slug=slug),
                category=categories[n % len(categories)],
                user=manager,
                answers=answers_at(spec, maturity),
                submit=True,
            )
