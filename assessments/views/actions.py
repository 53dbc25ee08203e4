"""A brand's tracked actions: the list with its filters, adding one, and changing one.

Whoever sees the brand reads the page; its managers and consultants edit (admins read only).
The rules are the service's (assessments/actions.py); a refusal shows beside its field.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments import actions
from assessments.edition_specs import edition_spec
from assessments.models import Brand, Edition, TrackedAction

Status = TrackedAction.Status


class _OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.username)


class ActionForm(forms.Form):
    practice_key = forms.ChoiceField(label=gettext_lazy("Practice"))
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave blank for the practice's title."),
    )
    owner = _OwnerField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=gettext_lazy("Owner"),
        empty_label=gettext_lazy("Nobody yet"),
    )
    status = forms.ChoiceField(choices=Status.choices, initial=Status.TODO)
    due_date = forms.DateField(
        required=False,
        label=gettext_lazy("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        # Ids of their own: the filter form on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "action_%s")
        super().__init__(*args, **kwargs)
        spec = edition_spec(Edition.objects.current().pk)
        practice = cast(forms.ChoiceField, self.fields["practice_key"])
        practice.choices = [(p.key, p.title) for p in spec.practices]
        owner = cast(_OwnerField, self.fields["owner"])
        owner.queryset = team_of(brand)


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("Any status")), *Status.choices], required=False
    )
    owner = forms.CharField(required=False, label=gettext_lazy("Owner (username)"))
    overdue = forms.BooleanField(required=False, label=gettext_lazy("Overdue only"))


def team_of(brand: Brand):
    """The people an action may be given to: the brand's managers and consultants."""
    return (
        get_user_model()
        .objects.filter(memberships__brand=brand, is_active=True)
        .order_by("username")
    )


@login_required
@require_http_methods(["GET", "POST"])
def brand_actions(request: HttpRequest, slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand.objects.visible_to(request.user), slug=slug)
    editable = actions.may_edit(request.user, brand)
    initial = {"practice_key": request.GET.get("practice", "")}
    form = ActionForm(request.POST or None, brand=brand, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Admins read a brand's actions; its team changes them.")
        if form.is_valid() and _saved(
            form,
            lambda fields: actions.action_create(brand=brand, user=request.user, fields=fields),
        ):
            messages.success(request, _("Action added."))
            return redirect("brand-actions", slug=slug)
    filters = ActionFilterForm(request.GET or None)
    context = {
        "brand": brand,
        "rows": _filtered(brand, filters),
        "filters": filters,
        "form": form if editable else None,
        "today": timezone.localdate(),
    }
    return render(request, "assessments/actions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def brand_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brand = get_object_or_404(Brand.objects.visible_to(request.user), slug=slug)
    action = get_object_or_404(TrackedAction.objects.for_list(), pk=pk, brand=brand)
    editable = actions.may_edit(request.user, brand)
    current = {f: getattr(action, f) for f in actions.EDITABLE} | {"version": action.version}
    form = ActionForm(request.POST or None, brand=brand, initial=current)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Admins read a brand's actions; its team changes them.")
        if form.is_valid() and _saved(
            form,
            lambda fields: actions.action_update(
                action=action,
                user=request.user,
                fields=fields,
                expected_version=form.cleaned_data["version"],
            ),
        ):
            messages.success(request, _("Action saved."))
            return redirect("brand-actions", slug=slug)
    context = {
        "brand": brand,
        "action": action,
        "form": form if editable else None,
        "history": actions.action_history(action),
    }
    return render(request, "assessments/action.html", context)


def _saved(form: ActionForm, save) -> bool:
    """Call the service with the form's fields; put a refusal beside its field."""
    fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        save(fields)
    except actions.ActionErrors as exc:
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return False
    except actions.StaleAction as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _filtered(brand: Brand, filters: ActionFilterForm):
    rows = TrackedAction.objects.filter(brand=brand).for_list()
    if not filters.is_valid():
        return rows
    wanted = filters.cleaned_data
    if wanted["status"]:
        rows = rows.filter(status=wanted["status"])
    if wanted["owner"]:
        rows = rows.filter(owner__username=wanted["owner"])
    if wanted["overdue"]:
        rows = rows.overdue(timezone.localdate())
    return rows
