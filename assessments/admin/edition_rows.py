"""Admins of the benchmark's rows: categories, pillars, practices, citations, questions, tiers."""

from __future__ import annotations

from typing import Any

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
        ("population", "source", "year"),
        ("url", "note"),
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
    list_display = ["__str__", "practice", "category", "use", "percent", "population", "year"]
    list_filter = [edition_filter("practice__edition"), "use", "category", "year"]
    list_select_related = ["practice", "category"]
    search_fields = ["statement", "source", "population", "practice__key"]
    formfield_overrides = URL_FIELDS


class ChoiceInline(EditionPartInline, TranslationTabularInline):
    model = Choice
    fields = ["value", "label", "level", "position"]


@admin.register(Question)
class QuestionAdmin(EditionPartAdmin):
    list_display = ["key", "text", "practice", "edition", "type", "allows_na"]
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
    list_display = ["__str__", "edition", "source", "year", "position"]
    list_filter = [ON_EDITION, "year"]
    list_select_related = ["edition"]
    search_fields = ["statement", "source", "population"]
