"""A Job is one piece of casework run in the background: what was asked, by whom, how far it
got and how it ended. django-tasks carries it to a worker; the Job is what people look at.
"""

from __future__ import annotations

from django.db import models

from vigil.records.cases.models import Case

DEFAULT_MAX_ATTEMPTS = 3


class Job(models.Model):
    class Kind(models.TextChoices):
        TRIAGE = "triage"
        MATCH = "match"
        ANALYSIS = "analysis"

    class Status(models.TextChoices):
        QUEUED = "queued"  # waiting for a worker, first time or for a retry
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"  # every attempt failed; `error` says why the last one did
        CANCELLED = "cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(max_length=16, choices=Kind.choices)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="jobs")
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.CharField(max_length=150, help_text="Username, as in the audit log")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    cancel_requested = models.BooleanField(default=False)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True, help_text="None: not known yet")
    attempts = models.IntegerField(default=0)
    max_attempts = models.IntegerField(default=DEFAULT_MAX_ATTEMPTS)
    error = models.TextField(blank=True, default="", help_text="Why the last attempt failed")
    result = models.JSONField(default=dict, blank=True, help_text="Counts of a finished job")
    task_result_id = models.CharField(
        max_length=64, blank=True, default="", help_text="The django-tasks result of the attempt"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "status"], name="job_case_status")]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.kind}, {self.status})"
