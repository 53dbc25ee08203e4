"""Benchmark texts admins edit, in English and Simplified Chinese (django-modeltranslation).

Each field listed here gets an English and a Chinese column (``title_en``, ``title_zh_hans``).
English is required, Chinese optional: a blank Chinese text falls back to English, and pages mark
that fallback (see assessments/texts.py). Scoring and stored results only ever use English.

The audit trail's historical models are registered too, so that the History of a row shows who
changed its Chinese text: django-simple-history builds them when the models are declared, before
these columns exist, and copies every column of a row into its historical row on save.
"""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, translator

from assessments.models import (
    Category,
    Choice,
    Citation,
    ContextFigure,
    Edition,
    Pillar,
    Practice,
    Question,
    Tier,
)

# Model -> its translated fields. The order of this map is the order of migrations and admin.
TRANSLATED_FIELDS: dict[type, tuple[str, ...]] = {
    Category: ("name",),
    Edition: ("notes", "release_note"),
    Pillar: ("name", "description"),
    Practice: ("title", "recommendation"),
    Citation: ("statement", "population", "note", "publisher", "title"),
    Question: ("text", "help_text"),
    Choice: ("label",),
    Tier: ("name", "summary"),
    ContextFigure: ("statement", "population", "note", "publisher", "title"),
}


def _options(field_names: tuple[str, ...]) -> type[TranslationOptions]:
    return type(
        "Options",
        (TranslationOptions,),
        # English required wherever the English field itself is (blank=False), Chinese never.
        {"fields": field_names, "required_languages": ("en",)},
    )


for _model, _fields in TRANSLATED_FIELDS.items():
    translator.register(_model, _options(_fields))
    history = getattr(_model, "history", None)
    if history is not None:
        translator.register(history.model, _options(_fields))
