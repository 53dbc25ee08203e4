"""What every admin of an edition's rows shares: a published edition is shown, never changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from assessments.admin.integrity import DraftProblems, EditionScopedChoices
from assessments.models import Edition, EditionPart, Practice
from assessments.translation import TRANSLATED_FIELDS

if TYPE_CHECKING:
    # The mixins below extend these admin classes; at run time they stand alone (object), so
    # that each admin combines them with its own bases.
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin

    _Admin = BaseModelAdmin[Any]
    _ModelAdmin = ModelAdmin[Any]
    _Inline = InlineModelAdmin[Any, Any]
else:
    _Admin = _ModelAdmin = _Inline = object

READ_ONLY_HINT = (
    "This row belongs to a published edition and is read-only. To change it, open its edition "
    "and use \u201cCreate a draft from this edition\u201d."
)


def in_published_edition(obj) -> bool:
    """True for a row of a published edition (or a published edition itself)."""
    if obj is None:
        return False
    if isinstance(obj, Edition):
        return not obj.is_draft
    cached = getattr(obj, "_in_published_edition", None)
    if cached is None:
        cached = isinstance(obj, EditionPart) and obj.published_edition() is not None
        obj._in_published_edition = cached
    return cached


class DraftRowForm(forms.ModelForm):
    """A changelist row (list_editable) of a published edition shows its values, disabled."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        edition = getattr(self.instance, "edition", None) if self.instance.pk else None
        if edition is not None and not edition.is_draft:
            for field in self.fields.values():
                field.disabled = True


class SameEditionFormSet(BaseInlineFormSet):
    """Inline rows that carry an edition of their own (practices, questions) join the parent's."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.edition_id = self.instance.edition_id
        return form


class ReasonForm(forms.ModelForm):
    """Every change form asks why: the reason shows in the row's history and the change log."""

    change_reason = forms.CharField(
        required=False,
        max_length=100,
        label=_("Change reason"),
        help_text=_("Why you change this (recorded in the history with your name)."),
    )


class ChangeReasons(_ModelAdmin):
    """Records the form's reason on the row and its inline rows; an unchanged row is not saved,
    so that an inline edit leaves no empty "Changed" entry on the row it was made on."""

    object_history_template = "admin/assessments/object_history.html"

    def save_model(self, request, obj, form, change) -> None:
        obj._change_reason = form.cleaned_data.get("change_reason", "")
        if change and not set(form.changed_data) - {"change_reason"}:
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        reason = form.cleaned_data.get("change_reason", "")
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        context = {**(extra_context or {}), "edition_log_url": _log_url(obj)}
        return super().history_view(request, object_id, extra_context=context)


def _log_url(obj) -> str:
    """The edition's change log, narrowed to the practice a row is edited with (if any)."""
    if not isinstance(obj, EditionPart) or obj.owning_edition_id() is None:
        return ""
    url = reverse("admin:assessments_edition_changes", args=[obj.owning_edition_id()])
    practice = obj if isinstance(obj, Practice) else getattr(obj, "practice", None)
    return f"{url}?practice={practice.key}" if practice is not None else url


class SearchInEveryLanguage(_ModelAdmin):
    """The changelist search finds a translated text in English or in Chinese, whichever
    language the admin reads the admin in: modeltranslation searches only the active one's
    column, so an English-speaking admin could not find a row by its Chinese text."""

    def get_search_fields(self, request) -> list[str]:
        translated = TRANSLATED_FIELDS.get(self.model, ())
        fields: list[str] = []
        for name in super().get_search_fields(request):
            if name in translated:
                fields += [build_localized_fieldname(name, code) for code, _ in settings.LANGUAGES]
            else:
                fields.append(name)
        return fields


class PublishedReadOnly(_Admin):
    """A published edition and its rows are shown, never changed or deleted."""

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not in_published_edition(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not in_published_edition(obj)


class EditionPartAdmin(
    ChangeReasons,
    EditionScopedChoices,
    DraftProblems,
    SearchInEveryLanguage,
    PublishedReadOnly,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Rows of published editions are read-only; the History button shows who changed what.

    A row's parents are its own edition's (integrity.py), and saving a draft's row reports the
    draft's remaining problems.

    Translated texts (assessments/translation.py) show as two fields, English (required) first,
    then Chinese (optional: pages show the English, marked, while it is blank).
    """

    list_per_page = 50
    form = ReasonForm

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=DraftRowForm, **kwargs)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # A page of published rows only has nothing to save: no inputs, no Save button.
        if changelist.list_editable and all(
            not row.edition.is_draft for row in changelist.result_list
        ):
            changelist.list_editable = ()
        return changelist

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and in_published_edition(obj):
            messages.info(request, READ_ONLY_HINT)
        return super().change_view(request, object_id, form_url, extra_context)


class EditionPartInline(PublishedReadOnly, _Inline):
    """Mixin for inlines: nothing is added, changed or deleted under a published parent."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not in_published_edition(obj)
