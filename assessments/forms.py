"""The brand manager's forms: start an assessment, and one questionnaire step per pillar.

A step's form is built from the edition's Question rows of one pillar. The form checks shape
(choices, numbers) with answers.normalize_answer, the same rule the services apply, so that a
manager sees every problem beside its field before anything is sent to the service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments import formats
from assessments.core.answers import InvalidAnswer, normalize_answer, typed_percent
from assessments.core.evidence import PopulationKind
from assessments.core.presentation import benchmark_citation
from assessments.core.specs import EditionSpec, QuestionType
from assessments.evidence_words import named_source, publisher_and_title
from assessments.localized import marked, row_text, shown
from assessments.models import Brand, Category, Citation, Question

# Not a valid slug, so it can never collide with a choice value of the edition.
NA = "n/a"
NA_SUFFIX = "--na"
RADIO_TYPES = {QuestionType.YES_NO, QuestionType.SINGLE, QuestionType.FREQUENCY}


NOT_APPLICABLE_TO_US = _("Not applicable to us")


class StartForm(forms.Form):
    brand = forms.ModelChoiceField(
        queryset=Brand.objects.none(), empty_label=None, label=_("Brand")
    )
    category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        empty_label=None,
        label=_("Category"),
        help_text=_("Your brand is compared with the China benchmark for this category."),
    )
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=80,
        help_text=_("Tells this assessment apart from the brand's others, e.g. “Before 11.11”."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the brands this user manages: they are the ones it may start an assessment for.
        self.brands = Brand.objects.managed_by(user).order_by("name")
        cast(forms.ModelChoiceField, self.fields["brand"]).queryset = self.brands


def step_questions(edition_id: int, pillar_key: str) -> list[Question]:
    """A step's questions with choices and benchmark citations, in three queries."""
    return list(
        Question.objects.filter(edition_id=edition_id, practice__pillar__key=pillar_key)
        .select_related("practice__pillar")
        .prefetch_related(
            "choices",
            Prefetch(
                "practice__citations",
                queryset=Citation.objects.filter(use=Citation.Use.BENCHMARK).select_related(
                    "category"
                ),
                to_attr="benchmark_citations",
            ),
        )
    )


@dataclass
class QuestionItem:
    """What the template needs to draw one question."""

    question: Question
    field: forms.BoundField
    na_field: forms.BoundField | None
    benchmark: SafeString | str
    is_choice: bool
    anchor: str
    saved: str = ""  # the latest saved answer, shown after an edit conflict
    hidden: bool = False  # skip logic: not asked with the answers so far
    shown_if: str = ""  # the key of the question that decides, for the page's script
    shown_values: str = ""  # its values that ask this one, as JSON


class StepForm(forms.Form):
    """The answers of one pillar; blank fields are left unanswered (save and resume later)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args, questions: list[Question], spec: EditionSpec, category: str, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.spec = spec
        self.category = category
        for q in questions:
            self.fields[q.key] = _field(q)
            if q.allows_na and q.type not in RADIO_TYPES:
                self.fields[q.key + NA_SUFFIX] = forms.BooleanField(
                    required=False, label=NOT_APPLICABLE_TO_US
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for q in self.questions:
            if q.key in self.errors or q.key not in cleaned:
                continue
            try:
                self._answer(q, cleaned)
            except _Blank:
                continue
            except InvalidAnswer as problem:
                self.add_error(q.key, formats.sentence(gettext(problem.template) % problem.params))
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers announce a field as invalid; the summary links to it by its id.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def answers(self) -> dict[str, object]:
        """The answers given on this step, N/A as None; blank questions are left out."""
        out: dict[str, object] = {}
        for q in self.questions:
            try:
                value = self._answer(q, self.cleaned_data)
            except _Blank:
                continue
            out[q.key] = value
        return out

    def _answer(self, q: Question, cleaned: dict) -> object:
        value = cleaned.get(q.key)
        if value == NA or cleaned.get(q.key + NA_SUFFIX):
            return normalize_answer(self.spec.question(q.key), None)
        if q.type == QuestionType.MULTIPLE:
            return normalize_answer(self.spec.question(q.key), list(value or []))
        if value in (None, ""):
            raise _Blank
        if q.type == QuestionType.PERCENT:
            value = typed_percent(value)
        return normalize_answer(self.spec.question(q.key), value)

    def items(
        self, saved: dict[str, str] | None = None, hidden: frozenset[str] = frozenset()
    ) -> list[QuestionItem]:
        saved = saved or {}
        # A practice's citation is shown once, under its first question, not under each one.
        cited: set[int] = set()
        items = []
        for q in self.questions:
            cite = q.practice_id not in cited
            items.append(self._item(q, saved.get(q.key, ""), q.key in hidden, cite=cite))
            cited.add(q.practice_id)
        return items

    def _item(self, q: Question, saved: str, hidden: bool, cite: bool = True) -> QuestionItem:
        chosen = benchmark_citation(
            q.practice.benchmark_citations if cite else [],
            category=self.category,
            key=_category_slug,
        )
        is_choice = q.type != QuestionType.PERCENT
        field = self[q.key]
        return QuestionItem(
            question=q,
            field=field,
            na_field=self[q.key + NA_SUFFIX] if q.key + NA_SUFFIX in self.fields else None,
            benchmark=_citation_html(chosen) if chosen else "",
            is_choice=is_choice,
            anchor=f"{field.auto_id}_0" if is_choice else field.auto_id,
            saved=saved,
            hidden=hidden,
            shown_if=q.shown_if_question,
            shown_values=json.dumps(list(q.shown_if_values)) if q.shown_if_question else "",
        )

    def unexpected_keys(self) -> set[str]:
        """Posted names that are not fields of this step: a stale or tampered form."""
        allowed = set(self.fields) | {"csrfmiddlewaretoken", "action"}
        return set(self.data) - allowed


class _Blank(Exception):
    pass


def _citation_html(citation: Citation) -> SafeString:
    """'69% of Beauty brands ... live stream — L2 Inc., ... (2017, 9 years old)', in the page's
    language, marked; a figure that does not count brands says it is a proxy."""
    statement = row_text(citation, "statement")
    statement = type(statement)(statement.en.rstrip(". "), statement.zh.rstrip("。. "))
    name = publisher_and_title(
        shown(row_text(citation, "publisher")), shown(row_text(citation, "title"))
    )
    source = named_source(name, citation.year)
    counts_brands = citation.population_kind == PopulationKind.BRANDS and not citation.is_proxy
    if citation.percent is not None and not counts_brands:
        proxy = gettext("No published brand figure; proxy:")
        return format_html("{} {} — {}", proxy, marked(statement), source)
    return format_html("{} — {}", marked(statement), source)


def _choice_label(choice) -> SafeString:
    return marked(row_text(choice, "label"))


def _category_slug(citation: Citation) -> str | None:
    return citation.category.slug if citation.category else None


def _field(q: Question) -> forms.Field:
    described = f"hint-{q.key} error-{q.key}"
    messages = {"invalid_choice": _("Choose one of the options listed.")}
    if q.type in RADIO_TYPES:
        choices: list[tuple[str, object]] = [(c.value, _choice_label(c)) for c in q.choices.all()]
        if q.allows_na:
            choices.append((NA, NOT_APPLICABLE_TO_US))
        return forms.ChoiceField(
            label=q.text,
            required=False,
            choices=choices,
            widget=forms.RadioSelect,
            error_messages=messages,
        )
    if q.type == QuestionType.MULTIPLE:
        return forms.MultipleChoiceField(
            label=q.text,
            required=False,
            choices=[(c.value, _choice_label(c)) for c in q.choices.all()],
            widget=forms.CheckboxSelectMultiple,
            error_messages=messages | {"invalid_choice": _("Choose only options from the list.")},
        )
    return forms.CharField(
        label=q.text,
        required=False,
        max_length=20,
        # Text, not type=number: the browser would otherwise refuse 140 with its own message,
        # in its own language, instead of ours beside the field.
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "aria-describedby": described, "class": "percent"}
        ),
    )
