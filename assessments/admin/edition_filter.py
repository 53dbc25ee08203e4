"""The lists of an edition's rows show one edition at a time: by default the newest draft.

Mixing editions in one list put two "Messaging" pillars side by side; an admin works on one draft
(or reads the current edition), so that is what a list opens on. "All editions" is one click.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments.models import Edition

ALL = "all"


def default_edition_id() -> int | None:
    """The newest draft, else the current edition: what an admin most likely works on."""
    draft = Edition.objects.filter(status=Edition.Status.DRAFT).order_by("-created_at").first()
    if draft is not None:
        return draft.pk
    return Edition.objects.filter(is_current=True).values_list("pk", flat=True).first()


def edition_filter(path: str) -> type[admin.SimpleListFilter]:
    """A list filter on the edition reached by `path` (e.g. "practice__edition")."""

    class EditionFilter(admin.SimpleListFilter):
        title = _("edition")
        parameter_name = f"{path}__id__exact"

        def lookups(self, request, model_admin):
            editions = Edition.objects.order_by("-created_at").values_list("pk", "label", "status")
            choices = [(str(pk), f"{label} ({status})") for pk, label, status in editions]
            return [*choices, (ALL, _("All editions"))]

        def value(self):
            value = super().value()
            if value is None:
                default = default_edition_id()
                return None if default is None else str(default)
            return value

        def queryset(self, request, queryset):
            value = self.value()
            if value in (None, ALL) or not str(value).isdigit():
                return queryset
            return queryset.filter(**{f"{path}_id": int(value)})

        def choices(self, changelist):
            # No "All" entry of Django's own (it would mean the default): ours is in lookups.
            for lookup, title in self.lookup_choices:
                yield {
                    "selected": self.value() == str(lookup),
                    "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                    "display": title,
                }

    return EditionFilter
