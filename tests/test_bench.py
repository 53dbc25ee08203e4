"""The rescoring and list-growth benchmarks run end to end at tiny sizes, so they never rot.

Not timed: the figures only have to exist, be numbers and be positive. A real worker rescores
on PostgreSQL and Redis, as in `make bench`.
"""

from __future__ import annotations

import math

import pytest

from assessments.models import Assessment, Brand, Result
from bench import dataset, growth, rescore
from bench.core import Context, Section
from readiness.celery import app as celery_app

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def ctx(postgres_url, redis_url, monkeypatch) -> Context:
    celery_app.conf.task_always_eager = False
    monkeypatch.setattr(rescore, "SIZES", {"smoke": 40, "full": 40})
    monkeypatch.setattr(growth, "SIZES", {"smoke": (30, 10), "full": (30, 10)})
    monkeypatch.setattr(growth, "REQUESTS", {"smoke": 5, "full": 5})
    monkeypatch.setattr(growth, "WARM_UP", 1)
    return Context("smoke", 1, postgres_url, redis_url)


def _all_positive_numbers(section: Section) -> None:
    assert section.figures
    for figure in section.figures:
        assert figure.runs, figure.label
        assert all(isinstance(v, float) and math.isfinite(v) and v > 0 for v in figure.runs), (
            figure.label,
            figure.runs,
        )
        assert figure.target is None, "a smoke run has no targets"


def test_a_portfolio_grows_to_exactly_n_scored_assessments_and_shrinks_again(postgres_url):
    info = dataset.portfolio(12)
    assert Assessment.objects.filter(status=Assessment.Status.SCORED).count() == 12
    assert (
        Brand.objects.filter(slug__startswith=dataset.BRAND_PREFIX).count() == 12
    )  # one assessment per brand: rescoring covers them all
    assert Result.objects.filter(edition_id=info.edition_id).count() == 12
    assert not Assessment.objects.filter(result__isnull=True).exists()
    dataset.portfolio(20)
    assert Assessment.objects.count() == Result.objects.count() == 20
    dataset.portfolio(5)
    assert Assessment.objects.count() == Result.objects.count() == 5


def test_the_rescoring_benchmark_reports_positive_figures_from_a_real_worker(ctx):
    section = rescore.measure(ctx)
    _all_positive_numbers(section)
    # Every assessment was rescored onto the edition the run published.
    assert Result.objects.count() == 2 * rescore.SIZES["smoke"]
    assert not Assessment.objects.exclude(result__edition__is_current=True).exists()


def test_the_list_growth_benchmark_reports_positive_figures(ctx):
    _all_positive_numbers(growth.measure(ctx))
