"""Background work over many assessments (impact previews, rescoring) and its progress.

A job is cut into chunks of fixed size when it starts; each chunk is a row with a unique
(job, number), and a chunk counts towards the job's progress only through a conditional
UPDATE done=False -> True, so a chunk task delivered twice never counts twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class EditionJob(models.Model):
    class Kind(models.TextChoices):
        PREVIEW = "preview", "Impact preview"
        RESCORE = "rescore", "Rescoring"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    edition = models.ForeignKey(
        "assessments.Edition", on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(default=0, help_text="Assessments to process.")
    done = models.PositiveIntegerField(default=0, help_text="Assessments processed so far.")
    chunk_size = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="job_done_le_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.edition} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING


class JobChunk(models.Model):
    job = models.ForeignKey(EditionJob, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    # The ids are fixed when the job starts, so a redelivered chunk works on the same set.
    assessment_ids = models.JSONField(default=list)
    done = models.BooleanField(default=False)
    # A preview chunk's partial figures (impact.ImpactTally as JSON), merged when all are done.
    tally = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="one_chunk_per_number")
        ]

    def __str__(self) -> str:
        return f"Chunk {self.number} of job {self.job_id}"
