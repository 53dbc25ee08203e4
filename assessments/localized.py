"""Show a benchmark text in the request's language, marking English shown for missing Chinese.

The marked form is HTML: the English carries lang="en" (screen readers read it as English) and a
small translated badge says why it is not in Chinese. Plain strings (API, CSV, chart labels)
use ``shown``, which falls back without a mark.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from assessments.core.texts import Text, text


def row_text(row: object, name: str) -> Text:
    """Both languages of a translated field of a benchmark row (see assessments/translation.py)."""
    return text(getattr(row, f"{name}_en", None), getattr(row, f"{name}_zh_hans", None))


def shown(value: Text | str) -> str:
    """The text in the active language (English when there is no Chinese)."""
    return value.get(get_language()) if isinstance(value, Text) else value


def marked(value: Text | str) -> SafeString:
    """The text as HTML in the active language; English shown for missing Chinese is marked."""
    if not isinstance(value, Text) or not value.is_fallback(get_language()):
        return format_html("{}", shown(value))
    return format_html(
        '<span class="untranslated" lang="en">{}</span> '
        '<small class="fallback-badge" title="{}">{}</small>',
        value.en,
        gettext("No Chinese text yet"),
        gettext("English"),
    )
