"""Which assessment a request may reach: one query each, on the one access rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from assessments.models import Assessment, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a page behind login_required; reached without it, a 403, not a crash."""
    if isinstance(request.user, AnonymousUser):
        raise PermissionDenied("Sign in to see this page.")
    return request.user


def visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    """Any assessment the user may see; another brand's is a 404, as if it did not exist."""
    rows = Assessment.objects.visible_to(request.user).select_related("brand", "category")
    return get_object_or_404(rows, pk=pk)


def managed_assessment(request: HttpRequest, pk: int) -> Assessment:
    """An assessment the user answers: only the brand's managers fill in its questionnaire."""
    managers = Membership.objects.filter(
        user=signed_in_user(request), brand=OuterRef("brand"), role=Membership.Role.MANAGER
    )
    rows = (
        Assessment.objects.visible_to(request.user)
        .select_related("brand", "category")
        .annotate(is_manager=Exists(managers))
    )
    assessment = get_object_or_404(rows, pk=pk)
    # django-stubs types the annotation on rows.get() but loses it through get_object_or_404.
    if not assessment.is_manager:  # type: ignore[attr-defined]
        raise PermissionDenied("Only the brand's managers answer its questionnaire.")
    return assessment
