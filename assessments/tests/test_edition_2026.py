"""The 2026 China benchmark: current after migrate, complete in Chinese, honest about its figures.

These tests see the database as `migrate` leaves it (marker edition_2026).
"""

from __future__ import annotations

import pytest

from assessments.core.prevalence import Basis, resolve_prevalence
from assessments.edition_specs import edition_spec
from assessments.models import Category, Citation, Edition, Practice, Question
from assessments.publishing import edition_validate, edition_warnings

pytestmark = [pytest.mark.django_db, pytest.mark.edition_2026]

NEW_PRACTICES = {
    "brand-self-broadcast",
    "douyin-shop",
    "xiaohongshu-seeding",
    "wechat-channels",
    "wechat-mini-shop",
    "wecom-private-domain",
    "content-checkout",
}


@pytest.fixture
def current(db) -> Edition:
    return Edition.objects.current()


def test_the_2026_edition_is_current_after_migrate_and_publishable(current):
    assert current.label == "2026 China benchmark"
    assert current.status == "published"
    assert current.based_on.label == "2017 China benchmark"
    assert Edition.objects.get(label="2017 China benchmark").status == "published"
    assert edition_validate(edition_id=current.pk) == []
    warnings = edition_warnings(edition_id=current.pk)
    assert len(warnings) == 1 and "brand-self-broadcast" in warnings[0]


def test_it_asks_about_the_platforms_of_2026_and_retires_those_of_2017(current):
    keys = set(Practice.objects.filter(edition=current).values_list("key", flat=True))
    assert NEW_PRACTICES <= keys
    assert "in-app-payment" not in keys and "live-commerce" not in keys
    texts = " ".join(
        Question.objects.filter(edition=current).values_list("text_en", flat=True)
    ) + " ".join(
        Citation.objects.filter(practice__edition=current).values_list("statement_en", flat=True)
    )
    assert "Jumei" not in texts and "Google+" not in texts
    assert "WeChat Pay" not in " ".join(
        Question.objects.filter(edition=current).values_list("text_en", flat=True)
    )


def test_every_benchmark_share_is_a_brand_figure_or_a_marked_proxy(current):
    shares = Citation.objects.filter(
        practice__edition=current, use="benchmark", percent__isnull=False
    ).select_related("practice", "category")
    by_practice = {(c.practice.key, c.category.slug if c.category else None): c for c in shares}
    assert by_practice[("douyin-shop", "luxury")].population_kind == "brands"
    assert float(by_practice[("live-streaming", "beauty")].percent) == 80
    proxy = by_practice[("brand-self-broadcast", None)]
    assert proxy.is_proxy and proxy.population_kind == "sales"
    assert all(c.population_kind == "brands" or c.is_proxy for c in shares)


def test_most_practices_have_no_brand_figure_and_fall_back_to_the_documented_estimate(current):
    spec = edition_spec(current.pk)
    resolved = resolve_prevalence(spec, "apparel")
    estimated = [p for p, r in resolved.items() if r.basis.is_fallback]
    assert len(estimated) > len(resolved) / 2
    assert resolved["douyin-shop"].basis is Basis.OTHER_CATEGORIES


def test_luxury_and_apparel_are_categories_and_the_2017_ones_stay(current):
    slugs = list(Category.objects.values_list("slug", flat=True))
    assert {"beauty", "personal-care", "watches-jewelry", "cpg", "luxury", "apparel"} <= set(slugs)
    assert slugs[-1] == "other"  # the fallback stays last
    assert Category.objects.get(slug="luxury").name_zh_hans == "奢侈品"


def test_every_text_of_the_2026_edition_has_chinese(current):
    spec = edition_spec(current.pk)
    assert spec.texts.untranslated() == {}
    citations = Citation.objects.filter(practice__edition=current)
    assert all(
        c.publisher_zh_hans and c.statement_zh_hans and c.population_zh_hans for c in citations
    )


def test_the_notes_readers_see_name_no_internal_file(current):
    # The notes show on the edition's pages; a reader cannot open the team's working files.
    for notes in (current.notes_en, current.notes_zh_hans):
        assert notes and ".md" not in notes and "BENCHMARK_FACTS" not in notes
