"""A benchmark share and its citations in the reader's words: pages, PDF and CSV share these.

The pure side (assessments/core/evidence.py) says how a share may be worded (a share of brands,
a proxy, an estimate, observed here); this says it in the active language. A figure that is not
a share of brands is never worded as "% of brands".
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.core import evidence as ev
from assessments.core.evidence import Evidence, Wording
from assessments.localized import row_text, shown


def percent(share: float | None) -> str:
    """A share (0..1) as a whole percentage: '69%'."""
    return "" if share is None else f"{round(100 * share)}%"


def share_words(row) -> str:
    """What a recommendation's benchmark share is, in one sentence (a reports.RecommendationRow)."""
    wording, share = row.wording, percent(row.share)
    figure = row.figure
    if wording is Wording.BRANDS and figure is not None:
        return _("China benchmark: %(share)s of %(population)s") % {
            "share": share,
            "population": shown(figure.population),
        }
    if wording is Wording.PROXY and figure is not None:
        return _("No published brand figure; proxy: %(share)s of %(population)s") % {
            "share": share,
            "population": shown(figure.population),
        }
    if wording is Wording.OBSERVED and figure is not None:
        return _("Observed among %(count)s brands assessed here: %(share)s") % {
            "count": figure.observed_brands,
            "share": share,
        }
    if wording is Wording.ESTIMATE:
        # The rule the estimate used is said beside it (BASIS_NOTES), and its figures on request.
        if row.estimate_counts_brands:
            return _("Estimated China benchmark: %(share)s of brands") % {"share": share}
        return _(
            "Estimated China benchmark: %(share)s; not a share of brands, as it averages proxies"
        ) % {"share": share}
    return _("No benchmark figure for this practice")


def age_words(year: int, this_year: int | None = None) -> str:
    """'2014, 12 years old': how old a figure is."""
    this_year = this_year or timezone.now().year
    age = ev.age_in_years(year, this_year)
    if age == 0:
        return _("%(year)s, this year") % {"year": year}
    return ngettext("%(year)s, %(age)s year old", "%(year)s, %(age)s years old", age) % {
        "year": year,
        "age": age,
    }


def source_words(item: Evidence) -> str:
    """'Annex Cloud blog, What Western brands can learn ... (2014, 12 years old)'."""
    if item.is_observed:
        return _("readiness: %(count)s brands assessed (%(age)s)") % {
            "count": item.observed_brands,
            "age": age_words(item.year),
        }
    return named_source(publisher_and_title(shown(item.publisher), shown(item.title)), item.year)


def publisher_and_title(publisher: str, title: str) -> str:
    """'L2 Inc., Digital IQ Index ...' (a full-width comma in Chinese); untitled: the publisher."""
    if not title:
        return publisher
    return _("%(publisher)s, %(title)s") % {"publisher": publisher, "title": title}


def named_source(name: str, year: int) -> str:
    return _("%(source)s (%(age)s)") % {"source": name, "age": age_words(year)}


def context_line(figure) -> str:
    """A context figure's publisher, title and age (a ContextFigure row), for pages and files."""
    name = publisher_and_title(
        shown(row_text(figure, "publisher")), shown(row_text(figure, "title"))
    )
    return named_source(name, figure.year)


def kind_words(item: Evidence) -> str:
    """What a figure counts, for the reader: 'share of brands', 'proxy: consumers', ..."""
    kinds = {
        ev.PopulationKind.BRANDS: _("share of brands"),
        ev.PopulationKind.SALES: _("share of sales"),
        ev.PopulationKind.CONSUMERS: _("consumers"),
        ev.PopulationKind.MARKET: _("market"),
    }
    words = kinds.get(item.population_kind, item.population_kind)  # type: ignore[call-overload]
    return _("proxy: %(kind)s") % {"kind": words} if item.is_proxy else words


def citation_line(item: Evidence) -> str:
    """One citation as plain text (CSV): figure, statement, whom it counts, source and age."""
    statement = shown(item.statement).rstrip(".。 ")
    if item.percent is None:  # qualitative words count no one
        return _("%(statement)s — %(source)s") % {
            "statement": statement,
            "source": source_words(item),
        }
    return _("%(figure)s%(statement)s (%(kind)s) — %(source)s") % {
        "figure": f"{item.percent:g}%: ",
        "statement": statement,
        "kind": kind_words(item),
        "source": source_words(item),
    }
