from __future__ import annotations

from django.conf import settings
from django.db import models

from assessments.generations import FreshQuerySet


class BrandQuerySet(FreshQuerySet["Brand"]):
    def visible_to(self, user) -> BrandQuerySet:
        """The one access rule for brands: admins see all, others the brands they belong to."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(memberships__user=user).distinct()

    def managed_by(self, user) -> BrandQuerySet:
        return self.filter(memberships__user=user, memberships__role=Membership.Role.MANAGER)


class Brand(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    default_category = models.ForeignKey(
        "assessments.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Who may see a brand: its brand managers and the consultants assigned to it."""

    class Role(models.TextChoices):
        MANAGER = "manager", "Brand manager"
        CONSULTANT = "consultant", "Consultant"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)

    objects = FreshQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="one_membership_per_brand")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.brand}"
