"""Review before publishing: an editor marks a draft ready for review; editors and publishers
comment on it. The publish page shows the state and the comments (admin/editions.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from assessments.models import Edition, EditionComment
from assessments.publishing import EditionRefused

READY_TEXT = "Ready for review."


def edition_comment(*, edition: Edition, user, text: str) -> EditionComment:
    if not text.strip():
        raise EditionRefused("Write a comment first: an empty one says nothing.")
    if not edition.is_draft:
        raise EditionRefused(f"Edition {edition.label!r} is published: comment on a draft.")
    return EditionComment.objects.create(edition=edition, author=user, text=text.strip())


def edition_request_review(*, edition: Edition, user, text: str = "") -> EditionComment:
    """Mark the draft ready for review, with the editor's note (or a plain one)."""
    if not edition.is_draft:
        raise EditionRefused(f"Edition {edition.label!r} is published: there is nothing to review.")
    with transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(review_requested_at=timezone.now())
        comment = EditionComment.objects.create(
            edition=edition, author=user, text=text.strip() or READY_TEXT, asks_review=True
        )
    edition.refresh_from_db()
    return comment
