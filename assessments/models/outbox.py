"""The outbox: work for Celery that a change causes, written in the change's own transaction."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """One task to send for one row (a task takes one id), until the task says it is done.

    Written in the same transaction as its cause (a submission, a stored result), so that a
    crash can lose neither: the row commits with the change or not at all. It is sent right
    after the commit, and again by the dispatcher (assessments/outbox.py) whenever it is still
    here at due_at; the task deletes it, in its own transaction, once its work is done.
    """

    task = models.CharField(max_length=100)  # a Celery task name
    subject_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # When the dispatcher sends it (again) unless the task has deleted it by then.
    due_at = models.DateTimeField(default=timezone.now)
    sends = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "subject_id"], name="one_outbox_message_each")
        ]
        indexes = [models.Index(fields=["due_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.task}({self.subject_id}) due {self.due_at:%Y-%m-%d %H:%M:%S}"
