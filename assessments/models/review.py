"""Review before publishing: a draft marked ready for review, and the comments on it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class EditionComment(models.Model):
    """A remark on a draft by an editor or a publisher, shown on its publish page."""

    edition = models.ForeignKey(
        "assessments.Edition", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    # True for the comment that asked for review (the draft's state changed with it).
    asks_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[EditionComment]] = models.Manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author or '-'}: {self.text[:60]}"
