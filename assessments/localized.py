"""Show a benchmark text in the request's language, marking English shown for missing Chinese.

The marked form is HTML: the English carries lang="en" (screen readers read it as English) and a
small translated badge says why it is not in Chinese. Plain strings (API, CSV, chart labels)
use ``shown``, which falls back without a mark.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from assessments.core.texts import Text, is_chinese, text
from assessments.generations import Remembered


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


# Per process: each edition's tiers in both languages, under the global generation they were
# read under. A built list page in Chinese read them on every request.
_tiers_read: Remembered[int, dict[str, tuple[Text, Text]]] = Remembered(limit=1_000)


class TierTexts:
    """Stored results' tier names and summaries as their editions word them, in both languages.

    A result keeps an English copy of its tier's name and summary (scoring is English only), so a
    list or a CSV showing that copy would say "Lagging" where the report beside it says 落后.
    Results are read through this instead: one query per edition met, not per row (make one
    per response), or once per process and generation when given one. English answers need no
    query: the copy is the edition's English (published editions are read-only; only their
    Chinese may be corrected).
    """

    def __init__(self, language: str | None, generation: int | None = None) -> None:
        """`generation`: the global one, read before this request read its rows (api/cache.py).
        With it, an edition's tiers are read once per generation in the process, not once per
        response: an admin's edit of a tier bumps it, as every write of the benchmark does."""
        self.language = language
        self.generation = generation
        self._editions: dict[int, dict[str, tuple[Text, Text]]] = {}

    def of(self, result) -> tuple[Text, Text]:
        """(name, summary) of the result's tier; the stored copy where the edition has none."""
        return self.texts(result.tier_key, result.tier_name, result.tier_summary, result.edition_id)

    def texts(self, key: str, name: str, summary: str, edition_id: int) -> tuple[Text, Text]:
        """of() for a result read as values: its tier's key, stored copy and edition."""
        stored = (Text(name), Text(summary))
        if not is_chinese(self.language) or not key:
            return stored
        return self._tiers(edition_id).get(key, stored)

    def name(self, result) -> str:
        return self.of(result)[0].get(self.language)

    def shown(self, key: str, name: str, summary: str, edition_id: int) -> tuple[str, str]:
        """texts() in the reader's language, without building a Text for an English reader."""
        if key and is_chinese(self.language):
            tier = self._tiers(edition_id).get(key)
            if tier is not None:
                return tier[0].get(self.language), tier[1].get(self.language)
        return name, summary

    def _tiers(self, edition_id: int) -> dict[str, tuple[Text, Text]]:
        from assessments.models import Tier  # models import nothing from here; keep it so

        if edition_id in self._editions:
            return self._editions[edition_id]

        def read() -> dict[str, tuple[Text, Text]]:
            rows = Tier.objects.filter(edition_id=edition_id).only(
                "key", "name_en", "name_zh_hans", "summary_en", "summary_zh_hans"
            )
            return {row.key: (row_text(row, "name"), row_text(row, "summary")) for row in rows}

        tiers = _tiers_read.get(edition_id, self.generation, read)
        self._editions[edition_id] = tiers
        return tiers
