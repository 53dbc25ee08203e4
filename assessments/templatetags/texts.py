"""{% text value %} and {% text row "field" %}: a benchmark text in the page's language.

English shown where the Chinese is missing is marked (see assessments/localized.py).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from assessments.core.texts import Text
from assessments.localized import marked, row_text
from assessments.localized import shown as localized_shown

register = template.Library()


@register.simple_tag(name="text")
def text_tag(value: object, field: str = "") -> SafeString:
    if field:
        return marked(row_text(value, field))
    return marked(value if isinstance(value, Text) else str(value))


@register.filter
def shown(value: object) -> str:
    """A text in the page's language, unmarked: for attributes and translated sentences."""
    return localized_shown(value if isinstance(value, Text) else str(value))
