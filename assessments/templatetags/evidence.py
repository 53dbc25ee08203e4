"""Evidence in the page's language: a share's wording, a citation's source and age.

The words are assessments/evidence_words.py's, shared with the PDF and the CSV.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessments import evidence_words as words
from assessments.core.evidence import Evidence
from assessments.localized import marked

register = template.Library()


@register.simple_tag
def share_phrase(row) -> str:
    """What a recommendation's benchmark share counts, in one sentence (escaped by the page)."""
    return words.share_words(row)


@register.filter
def kind_of(item: Evidence) -> str:
    return words.kind_words(item)


@register.filter
def figure_age(year: int) -> str:
    return words.age_words(year)


@register.filter
def context_source(figure) -> str:
    """A context figure's publisher, title and age (a ContextFigure row)."""
    return words.context_line(figure)


@register.simple_tag
def cited_source(item: Evidence) -> SafeString:
    """Publisher, title and age as HTML; English shown for a missing Chinese text is marked."""
    if item.is_observed:
        return conditional_escape(words.source_words(item))
    # Safe: marked() escapes each text, and the patterns and the age are escaped here.
    name = marked(item.publisher)
    if item.title:
        joined = conditional_escape(_("%(publisher)s, %(title)s"))
        name = mark_safe(joined % {"publisher": name, "title": marked(item.title)})
    pattern = conditional_escape(_("%(source)s (%(age)s)"))
    return mark_safe(
        pattern % {"source": name, "age": conditional_escape(words.age_words(item.year))}
    )
