"""Observed adoption: offer a draft edition the shares of brands observed among assessments.

The admin action and its page call these two services. Offers are computed from the latest
scored assessment of each distinct brand, scored on the draft's questionnaire; the admin keeps
the ones it wants, and they become ordinary benchmark citations of the draft: publishing pins
them like any figure, so a published result never moves when later brands are scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone, translation

from assessments import publishing, scorecard_store
from assessments.core.observed import ObservedFigure, observed_figures
from assessments.edition_specs import edition_spec
from assessments.models import Category, Citation, Edition, PopulationKind, Practice

PUBLISHER = "readiness"


class ObservedRefused(ValueError):
    """The offer cannot be kept; the message names the field and says why."""


@dataclass(frozen=True)
class Offer:
    figure: ObservedFigure
    period: tuple[datetime, datetime]
    replaces: Citation | None  # the draft's current benchmark figure for that category, if any

    @property
    def key(self) -> str:
        return f"{self.figure.category}:{self.figure.practice}"


def observed_offers(*, edition: Edition) -> list[Offer]:
    """What the draft could cite as observed, where at least OBSERVED_MIN_BRANDS brands answer."""
    if not edition.is_draft:
        raise ObservedRefused("Observed figures are offered to a draft edition only.")
    latest = publishing.latest_scored()
    rows = dict(latest.values_list("pk", "brand_id"))
    categories = dict(latest.values_list("pk", "category__slug"))
    spec = edition_spec(edition.pk)
    cards = [
        (str(rows[pk]), categories[pk], card)
        for pk, card in scorecard_store.scorecards_for_ids(list(rows), spec)
    ]
    figures = observed_figures(cards, settings.OBSERVED_MIN_BRANDS)
    period = latest.aggregate(start=Min("submitted_at"), end=Max("submitted_at"))
    existing = _benchmark_figures(edition)
    return [
        Offer(f, (period["start"], period["end"]), existing.get((f.category, f.practice)))
        for f in figures
    ]


def observed_keep(*, edition: Edition, offers: Iterable[Offer], user=None) -> list[Citation]:
    """Add the kept offers to the draft as benchmark figures (one transaction, all or none).

    A figure the draft already has for the same practice and category becomes supporting
    evidence, so that each category keeps one benchmark share.
    """
    offers = list(offers)
    for offer in offers:
        if offer.figure.brands < settings.OBSERVED_MIN_BRANDS:
            raise ObservedRefused(
                f"observed_brands: {offer.figure.brands} brands are fewer than the "
                f"{settings.OBSERVED_MIN_BRANDS} needed (OBSERVED_MIN_BRANDS)."
            )
    practices = {p.key: p for p in Practice.objects.filter(edition=edition)}
    categories = {c.slug: c for c in Category.objects.all()}
    kept = []
    # English active: a translated field's own column holds the English (modeltranslation).
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for offer in offers:
            if offer.replaces is not None:
                offer.replaces.use = Citation.Use.SUPPORTING
                offer.replaces._history_user = user
                offer.replaces.save(update_fields=["use"])
            citation = _citation(offer, practices[offer.figure.practice], categories)
            citation._history_user = user
            citation.full_clean()
            citation.save()
            kept.append(citation)
    return kept


def _citation(offer: Offer, practice: Practice, categories: dict) -> Citation:
    figure, (start, end) = offer.figure, offer.period
    category = categories[figure.category]
    name_zh = category.name_zh_hans or category.name_en
    span_en = f"{start:%B %Y} to {end:%B %Y}" if start and end else ""
    span_zh = f"{start.year}年{start.month}月至{end.year}年{end.month}月" if start and end else ""
    return Citation(
        practice=practice,
        category=category,
        use=Citation.Use.BENCHMARK,
        percent=figure.percent,
        population_kind=PopulationKind.BRANDS,
        observed_brands=figure.brands,
        year=(end or timezone.now()).year,
        statement=f"{figure.percent:g}% adoption observed among {figure.brands} "
        f"{category.name_en} brands assessed by readiness ({span_en}).",
        # The category in its own slot, never glued to 品牌 ("其他消费品牌品牌").
        statement_zh_hans=f"在 readiness 已评估的 {figure.brands} 个品牌（品类："
        f"{name_zh}）中观察到的采用率为 {figure.percent:g}%"
        f"（{span_zh}）。",
        population=f"{category.name_en} brands assessed by readiness",
        population_zh_hans=f"readiness 已评估的品牌（品类：{name_zh}）",
        publisher=PUBLISHER,
        publisher_zh_hans=PUBLISHER,
        title=f"{figure.brands} brands assessed, {span_en}",
        title_zh_hans=f"已评估 {figure.brands} 个品牌，{span_zh}",
        source="observed adoption",
    )


def _benchmark_figures(edition: Edition) -> dict[tuple[str | None, str], Citation]:
    rows = Citation.objects.filter(
        practice__edition=edition, use=Citation.Use.BENCHMARK, percent__isnull=False
    ).select_related("practice", "category")
    return {(c.category.slug if c.category else None, c.practice.key): c for c in rows}
