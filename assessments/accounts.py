"""Users and their roles: brand managers and consultants belong to brands; admins are staff."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify

from api import tokens
from assessments.models import Brand, Membership


class Role(StrEnum):
    BRAND_MANAGER = "brand_manager"
    CONSULTANT = "consultant"
    ADMIN = "admin"
    # Staff who work on the benchmark in the admin: editors change drafts, publishers also
    # publish them. Each is a group whose permissions _benchmark_group() keeps up to date.
    EDITOR = "editor"
    PUBLISHER = "publisher"


# The benchmark's rows an editor adds, changes and deletes in drafts.
EDITION_ROW_MODELS = (
    "pillar",
    "practice",
    "citation",
    "question",
    "choice",
    "tier",
    "contextfigure",
)
BENCHMARK_ROLES = {Role.EDITOR: "Benchmark editors", Role.PUBLISHER: "Benchmark publishers"}


_MEMBERSHIP_ROLE = {
    Role.BRAND_MANAGER: Membership.Role.MANAGER,
    Role.CONSULTANT: Membership.Role.CONSULTANT,
}


def user_create(
    *,
    username: str,
    role: Role,
    brand_slugs: Iterable[str] = (),
    password: str | None = None,
    token_name: str | None = None,
) -> tuple[object, str | None]:
    """Create (or update) a user with a role and its brands (created when new).

    With token_name, also a new API token of that name, whose value is returned: the only time
    it can be (api/tokens.py keeps its digest). Without, None.
    """
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_superuser = role == Role.ADMIN
        user.is_staff = role == Role.ADMIN or role in BENCHMARK_ROLES
        if password:
            user.set_password(password)
        elif not user.has_usable_password():
            user.set_unusable_password()
        user.save()
        for slug in brand_slugs:
            brand, _ = Brand.objects.get_or_create(
                slug=slugify(slug), defaults={"name": slug.replace("-", " ").title()}
            )
            if role in _MEMBERSHIP_ROLE:
                Membership.objects.update_or_create(
                    user=user, brand=brand, defaults={"role": _MEMBERSHIP_ROLE[role]}
                )
        if role in BENCHMARK_ROLES:
            user.groups.add(_benchmark_group(role))
        value = tokens.token_create(user=user, name=token_name)[1] if token_name else None
    return user, value


def _benchmark_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=BENCHMARK_ROLES[role])
    codenames = [f"{action}_{model}" for model in EDITION_ROW_MODELS for action in ACTIONS]
    codenames += ["view_edition", "change_edition", "add_edition", "view_editionjob"]
    codenames += ["view_category"]
    if role == Role.PUBLISHER:
        codenames.append("publish_edition")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
    )
    return group


ACTIONS = ("add", "change", "delete", "view")
