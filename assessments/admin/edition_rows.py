"""Admins of the benchmark's rows: categories, pillars, practices, citations, questions, tiers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from assessments.admin.edition_filter import edition_filter
from assessments.admin.parts import (
    EditionPartAdmin,
    EditionPartInline,
    ReasonForm,
    SameEditionFormSet,
    SearchInEveryLanguage,
)
from assessments.models import (
    Category,
    Choice,
    Citation,
    ContextFigure,
    Pillar,
    Practice,
    Question,
    Tier,
)

ON_EDITION = edition_filter("edition")


@admin.register(Category)
class CategoryAdmin(SearchInEveryLanguage, TranslationAdmin):
    list_display = ["name", "slug", "is_fallback", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class PracticeInline(EditionPartInline, TranslationTabularInline):
    model = Practice
    formset = SameEditionFormSet
    fields = ["key", "title", "weight", "effort", "position"]
    show_change_link = True


@admin.register(Pillar)
class PillarAdmin(EditionPartAdmin):
    list_display = ["name", "key", "edition", "weight", "position"]
    list_editable = ["weight"]
    list_filter = [ON_EDITION]
    list_select_related = ["edition"]
    search_fields = ["key", "name"]
    inlines = [PracticeInline]


# Links to studies are https; say so rather than let Django guess the scheme.
URL_FIELDS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class CitationInline(EditionPartInline, TranslationStackedInline):
    model = Citation
    formfield_overrides = URL_FIELDS
    fields = [
        ("use", "category", "percent"),
        "statement",
        ("population", "population_kind", "is_proxy"),
        ("publisher", "title", "year"),
        ("url", "note"),
        "source",
    ]


class QuestionInline(EditionPartInline, TranslationTabularInline):
    model = Question
    formset = SameEditionFormSet
    fields = ["key", "text", "type", "allows_na", "position"]
    show_change_link = True


@admin.register(Practice)
class PracticeAdmin(EditionPartAdmin):
    list_display = ["title", "key", "pillar", "edition", "weight", "effort"]
    list_editable = ["weight"]
    list_filter = [ON_EDITION, "effort", "pillar__key"]
    list_select_related = ["edition", "pillar"]
    search_fields = ["key", "title", "recommendation"]
    inlines = [CitationInline, QuestionInline]


@admin.register(Citation)
class CitationAdmin(EditionPartAdmin):
    list_display = [
        "__str__",
        "practice",
        "category",
        "use",
        "percent",
        "population_kind",
        "is_proxy",
        "population",
        "year",
    ]
    list_filter = [
        edition_filter("practice__edition"),
        "use",
        "population_kind",
        "is_proxy",
        "category",
        "year",
    ]
    list_select_related = ["practice", "category"]
    search_fields = ["statement", "publisher", "title", "population", "practice__key"]
    raw_id_fields = ["practice"]
    formfield_overrides = URL_FIELDS


class ChoiceInline(EditionPartInline, TranslationTabularInline):
    model = Choice
    fields = ["value", "label", "level", "position"]


class ChoiceValuesField(forms.CharField):
    """Skip logic's choice values typed as "dormant, active", stored as a JSON list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # a list, stored as JSON
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class QuestionForm(ReasonForm):
    shown_if_values = ChoiceValuesField(
        required=False,
        label="is answered with",
        help_text="Choice values of that question, separated by commas (e.g. dormant, active).",
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        key, values = cleaned.get("shown_if_question"), cleaned.get("shown_if_values")
        if key and key == cleaned.get("key"):
            self.add_error("shown_if_question", "A question cannot decide whether it is asked.")
        if key and not values:
            self.add_error("shown_if_values", "Say which answers of that question ask this one.")
        if values and not key:
            self.add_error("shown_if_question", "Say which question these answers belong to.")
        return cleaned


@admin.register(Question)
class QuestionAdmin(EditionPartAdmin):
    """A question, its choices, and its skip logic; the edition check (publish) refuses skip
    logic that loops or points at a question the edition does not have."""

    form = QuestionForm
    fieldsets = [
        (None, {"fields": ["edition", "practice", "key", "text", "help_text", "type"]}),
        (None, {"fields": ["allows_na", "position", "change_reason"]}),
        (
            "Skip logic",
            {
                "fields": [("shown_if_question", "shown_if_values")],
                "description": "Ask this question only when another question (of any pillar) "
                "is answered with one of these values. Hidden, it counts as not applicable "
                "in scoring and its answer is cleared.",
            },
        ),
    ]
    list_display = ["key", "text", "practice", "edition", "type", "allows_na", "shown_if_question"]
    list_filter = [ON_EDITION, "type", "allows_na"]
    list_select_related = ["practice", "edition"]
    search_fields = ["key", "text"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(EditionPartAdmin):
    """Choices are edited inline on their question; this page gives each one its history."""

    list_display = ["label", "value", "level", "question"]
    list_select_related = ["question"]
    search_fields = ["value", "label", "question__key"]
    raw_id_fields = ["question"]

    def has_module_permission(self, request) -> bool:
        return False


@admin.register(Tier)
class TierAdmin(EditionPartAdmin):
    list_display = ["name", "key", "edition", "min_index"]
    list_editable = ["min_index"]
    list_filter = [ON_EDITION]
    list_select_related = ["edition"]
    search_fields = ["key", "name"]


@admin.register(ContextFigure)
class ContextFigureAdmin(EditionPartAdmin):
    list_display = ["__str__", "edition", "publisher", "year", "position"]
    list_filter = [ON_EDITION, "year"]
    list_select_related = ["edition"]
    search_fields = ["statement", "publisher", "title", "population"]
