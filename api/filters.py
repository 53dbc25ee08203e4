"""Filters and ordering of the assessment list, over a queryset already scoped to the caller."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment

BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class StrictNullBooleanField(forms.NullBooleanField):
    """true/false (or 1/0), or empty for no filter: Django's field reads anything else as "no
    filter" too, so a typo (?overdue=yes) answered the unfiltered list. A plain text widget:
    NullBooleanSelect, the default, turns any value it does not know into None before
    to_python sees it."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if str(value).lower() in BOOLEANS:
            return BOOLEANS[str(value).lower()]
        raise forms.ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


class AssessmentFilter(django_filters.FilterSet):
    # Slugs, not ids: a slug the caller does not serve simply matches nothing in their scope.
    brand = django_filters.CharFilter(field_name="brand__slug", help_text="Brand slug.")
    category = django_filters.CharFilter(field_name="category__slug", help_text="Category slug.")
    status = django_filters.ChoiceFilter(choices=Assessment.Status.choices)
    tier = django_filters.CharFilter(field_name="result__tier_key", help_text="Tier key.")
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", help_text="On or after (YYYY-MM-DD)."
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", help_text="On or before (YYYY-MM-DD)."
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created_at"),
            ("submitted_at", "submitted_at"),
            ("result__readiness_index", "readiness_index"),
        ),
        help_text="Fields, each with '-' first for descending, as a comma list or repeated "
        "(ordering=-readiness_index,created_at); newest first by default.",
    )

    class Meta:
        model = Assessment
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # ?ordering=a&ordering=b means what ?ordering=a,b means; django-filter reads one value.
        if data is not None and len(data.getlist("ordering")) > 1:
            data = data.copy()
            data.setlist("ordering", [",".join(data.getlist("ordering"))])
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        return self.ordered(super().filter_queryset(queryset))

    @staticmethod
    def ordered(queryset):
        """In the ordering param's order, else newest first. An unfiltered list takes this
        alone (api/views.py)."""
        ordering = queryset.query.order_by or ("-created_at",)
        # The id breaks ties, so pages never repeat or skip a row with an equal sort value.
        return queryset.order_by(*ordering, "-id")
