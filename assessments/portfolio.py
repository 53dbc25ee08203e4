"""The portfolio: the brands a viewer serves, ranked by readiness within each category.

One access rule (Brand.objects.visible_to) decides the brands, and ranks count only them
(assessments/core/portfolio.py): a manager sees their own brands only, and nobody sees a rank or
percentile over brands they may not see. Five queries whatever the number of brands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from assessments.core.portfolio import Standing, rank_within_categories, sparkline_svg
from assessments.core.texts import Text
from assessments.edition_specs import edition_spec_for
from assessments.localized import shown
from assessments.models import Assessment, Brand, Category, TrackedAction

# Assessments per brand drawn in the trend line: about two years of quarterly assessments.
TREND_POINTS = 8


@dataclass(frozen=True)
class PortfolioRow:
    brand: Brand
    category_slug: str
    category_name: str
    rank: int | None
    ranked_in_category: int
    index: float | None
    change: float | None
    tier_key: str
    tier_name: Text
    trend: tuple[float, ...]
    trend_svg: str
    open_actions: int
    overdue_actions: int
    last_assessed: datetime | None


def portfolio_for(*, user, category: str = "", tier: str = "") -> list[PortfolioRow]:
    """The viewer's brands, grouped by category and ranked; filtered by category and tier slugs.

    Ranks are taken before filtering by tier, so a brand keeps its place in its category.
    """
    brands = {b.pk: b for b in Brand.objects.visible_to(user).select_related("default_category")}
    categories = {c.pk: c for c in Category.objects.all()}
    history = _history(list(brands))
    counts = _action_counts(list(brands), timezone.localdate())
    standings, tiers = [], {}
    for brand in brands.values():
        points = history.get(brand.pk, [])
        category_id = points[-1]["category_id"] if points else brand.default_category_id
        slug = categories[category_id].slug if category_id in categories else ""
        last = points[-1] if points else None
        tiers[brand.slug] = _tier_name(last)
        standings.append(
            Standing(
                brand_key=brand.slug,
                brand_name=brand.name,
                category=slug,
                tier_key=last["result__tier_key"] if last else "",
                trend=tuple(p["result__readiness_index"] for p in points),
                last_assessed=last["submitted_at"] if last else None,
            )
        )
    by_slug = {b.slug: b for b in brands.values()}
    names = {c.slug: c.name for c in categories.values()}
    rows = [
        _row(r, by_slug[r.standing.brand_key], names, tiers, counts)
        for r in rank_within_categories(_category_order(standings, categories))
    ]
    return [
        row
        for row in rows
        if (not category or row.category_slug == category) and (not tier or row.tier_key == tier)
    ]


def _history(brand_ids: list[int]) -> dict[int, list[dict]]:
    """Each brand's latest scored assessments (at most TREND_POINTS), oldest first: one query."""
    rows = (
        Assessment.objects.filter(
            brand_id__in=brand_ids,
            status=Assessment.Status.SCORED,
            submitted_at__isnull=False,
            result__readiness_index__isnull=False,
        )
        .annotate(
            recency=Window(
                RowNumber(), partition_by=[F("brand_id")], order_by=F("submitted_at").desc()
            )
        )
        .filter(recency__lte=TREND_POINTS)
        .values(
            "brand_id",
            "category_id",
            "submitted_at",
            "result__readiness_index",
            "result__tier_key",
            "result__tier_name",
            "result__edition_id",
            "result__edition__status",
            "result__edition__published_at",
        )
    )
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        history[row["brand_id"]].append(dict(row))
    for points in history.values():
        points.sort(key=lambda p: p["submitted_at"])
    return history


def _action_counts(brand_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    open_ = Q(status__in=TrackedAction.OPEN)
    counts = (
        TrackedAction.objects.filter(brand_id__in=brand_ids)
        .order_by()  # no GROUP BY on the default ordering's due date
        .values("brand_id")
        .annotate(
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(due_date__lt=today)),
        )
    )
    return {row["brand_id"]: (row["open"], row["overdue"]) for row in counts}


def _tier_name(last: dict | None) -> Text:
    if last is None:
        return Text("")
    # The tier in both languages from the (cached) edition; the stored copy is English.
    spec = edition_spec_for(
        last["result__edition_id"],
        last["result__edition__status"],
        last["result__edition__published_at"],
    )
    return spec.texts.tier_name(last["result__tier_key"], last["result__tier_name"])


def _category_order(standings: list[Standing], categories: dict[int, Category]) -> list[Standing]:
    # Categories in the benchmark's order; brands without any category last.
    position = {c.slug: i for i, c in enumerate(categories.values())}
    return sorted(standings, key=lambda s: position.get(s.category, len(position)))


def _row(ranked, brand: Brand, names, tiers, counts) -> PortfolioRow:
    standing = ranked.standing
    open_actions, overdue = counts.get(brand.pk, (0, 0))
    return PortfolioRow(
        brand=brand,
        category_slug=standing.category,
        category_name=names.get(standing.category, ""),
        rank=ranked.rank,
        ranked_in_category=ranked.of,
        index=standing.index,
        change=standing.change,
        tier_key=standing.tier_key,
        tier_name=tiers[brand.slug],
        trend=standing.trend,
        trend_svg=sparkline_svg(
            standing.trend, label=f"{brand.name}: " + ", ".join(f"{v:.0f}" for v in standing.trend)
        ),
        open_actions=open_actions,
        overdue_actions=overdue,
        last_assessed=standing.last_assessed,
    )


def portfolio_table(rows: list[PortfolioRow]) -> list[list[object]]:
    """The rows as cells for CSV and XLSX (header excluded): the same columns as the page."""
    return [
        [
            row.category_name,
            row.rank if row.rank is not None else "",
            row.brand.name,
            row.brand.slug,
            round(row.index, 1) if row.index is not None else "",
            shown(row.tier_name),
            round(row.change, 1) if row.change is not None else "",
            row.open_actions,
            row.overdue_actions,
            row.last_assessed.date().isoformat() if row.last_assessed else "",
            "; ".join(f"{v:.1f}" for v in row.trend),
        ]
        for row in rows
    ]
