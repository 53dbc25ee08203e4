from __future__ import annotations

import pytest

from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Category, Edition
from assessments.tests import factories
from assessments.tests.factories import BrandFactory, manager_of


@pytest.fixture
def edition(db) -> Edition:
    return Edition.objects.current()


@pytest.fixture
def spec(edition):
    return edition_spec(edition.pk)


@pytest.fixture
def beauty(db) -> Category:
    return Category.objects.get(slug="beauty")


@pytest.fixture
def scored_assessment(spec, beauty, django_capture_on_commit_callbacks) -> Assessment:
    """A beauty brand's assessment answered at mid maturity and scored in-process."""
    return factories.scored_assessment(
        brand=BrandFactory(),
        category=beauty,
        maturity=0.5,
        capture=django_capture_on_commit_callbacks,
    )


@pytest.fixture
def brand(beauty):
    """A beauty brand for the web pages' tests."""
    return BrandFactory(name="Lotus Skin", default_category=beauty)


@pytest.fixture
def manager(brand):
    return manager_of(brand)
