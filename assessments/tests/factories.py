"""factory-boy factories for the domain's rows; the benchmark comes from the seed migration."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import factory
from django.contrib.auth import get_user_model

from assessments.models import Assessment, Brand, Category, Edition, Membership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"brand-{n}")
    name = factory.LazyAttribute(lambda b: b.slug.replace("-", " ").title())


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    brand = factory.SubFactory(BrandFactory)
    role = Membership.Role.MANAGER


def manager_of(*brands: Brand, **kwargs) -> object:
    user = UserFactory(**kwargs)
    for brand in brands:
        MembershipFactory(user=user, brand=brand, role=Membership.Role.MANAGER)
    return user


def consultant_for(*brands: Brand, **kwargs) -> object:
    user = UserFactory(**kwargs)
    for brand in brands:
        MembershipFactory(user=user, brand=brand, role=Membership.Role.CONSULTANT)
    return user


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft on the current edition; use the services to answer, submit and score it."""

    class Meta:
        model = Assessment

    brand = factory.SubFactory(BrandFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(slug="beauty"))
    edition = factory.LazyFunction(lambda: Edition.objects.current())
    created_by = factory.SubFactory(UserFactory)


def scored_assessment(
    *, brand: Brand, category: Category, maturity: float, capture, user=None
) -> Assessment:
    """An assessment answered at `maturity` (0 to 1) on the current edition, scored in-process.

    `capture` is pytest-django's django_capture_on_commit_callbacks: scoring is sent on commit.
    """
    from assessments import services
    from assessments.demo import answers_at
    from assessments.edition_specs import edition_spec

    spec = edition_spec(Edition.objects.current().pk)
    with capture(execute=True):
        assessment = services.assessment_create(
            brand=brand,
            category=category,
            user=user or UserFactory(),
            answers=answers_at(spec, maturity),
            submit=True,
        )
    return Assessment.objects.with_report().get(pk=assessment.pk)


@cache
def zh_seed() -> dict:
    """The first edition's Chinese texts, as the data migration loads them."""
    path = Path(__file__).resolve().parents[1] / "seed" / "first_edition.zh-Hans.json"
    return json.loads(path.read_text(encoding="utf-8"))
