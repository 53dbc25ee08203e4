"""Tracked actions: what a brand decided to do about a recommendation or a planned practice.

A brand's managers and its consultants create and edit them; admins read them. Every change is
kept with who made it and when (django-simple-history, as for the benchmark's audit trail).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TrackedActionQuerySet(models.QuerySet["TrackedAction"]):
    def visible_to(self, user) -> TrackedActionQuerySet:
        """The one access rule, the brands' (Brand.objects.visible_to): admins read every one."""
        from assessments.models.brands import Brand

        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(brand__in=Brand.objects.visible_to(user).values("pk"))

    def open(self) -> TrackedActionQuerySet:
        return self.filter(status__in=TrackedAction.OPEN)

    def overdue(self, today: datetime.date) -> TrackedActionQuerySet:
        """Open actions whose due date has passed."""
        return self.open().filter(due_date__lt=today)

    def for_list(self) -> TrackedActionQuerySet:
        """What a list row shows, in one query whatever the number of rows."""
        return self.select_related("brand", "owner", "created_by")


class TrackedAction(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN = (Status.TODO, Status.DOING)

    brand = models.ForeignKey(
        "assessments.Brand", on_delete=models.CASCADE, related_name="tracked_actions"
    )
    # A practice key of the edition current when it was created; keys stay across editions.
    practice_key = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_actions",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    due_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # When it was last marked done: the next assessment checks the actions done before it.
    done_at = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency, as for assessments: a save based on an older read is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])
    # The author simple_history records for the next save (set by the actions service).
    _history_user: object

    objects = TrackedActionQuerySet.as_manager()

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["brand", "status"], name="action_brand_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["todo", "doing", "done", "dropped"]),
                name="tracked_action_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.brand}, {self.status})"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status in self.OPEN and self.due_date is not None and self.due_date < today
