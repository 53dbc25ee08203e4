"""Users and their roles: brand managers and consultants belong to brands; admins are staff."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from assessments.models import Brand, Membership


class Role(StrEnum):
    BRAND_MANAGER = "brand_manager"
    CONSULTANT = "consultant"
    ADMIN = "admin"


_MEMBERSHIP_ROLE = {
    Role.BRAND_MANAGER: Membership.Role.MANAGER,
    Role.CONSULTANT: Membership.Role.CONSULTANT,
}


def user_create(
    *, username: str, role: Role, brand_slugs: Iterable[str] = (), password: str | None = None
) -> tuple[object, Token]:
    """Create (or update) a user with a role, its brands (created when new) and an API token."""
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = role == Role.ADMIN
        if password:
            user.set_password(password)
        elif not user.has_usable_password():
            user.set_unusable_password()
        user.save()
        for slug in brand_slugs:
            brand, _ = Brand.objects.get_or_create(
                slug=slugify(slug), defaults={"name": slug.replace("-", " ").title()}
            )
            if role != Role.ADMIN:
                Membership.objects.update_or_create(
                    user=user, brand=brand, defaults={"role": _MEMBERSHIP_ROLE[role]}
                )
        token, _ = Token.objects.get_or_create(user=user)
    return user, token
