"""AI output and the people who decide on it, kept apart.

A Suggestion is what a tool said, with full provenance; a Decision is what a person concluded.
Rejections are kept: they give each tool its measured precision in this agency.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from vigil.records.cases.models import Blob, Case, Item


class AnalysisRun(models.Model):
    """One run of one tool over (part of) a case: the unit of provenance and of legal basis."""

    class Status(models.TextChoices):
        QUEUED = "queued"  # accepted by the gate (web or API), waiting for a worker
        RUNNING = "running"
        COMPLETE = "complete"
        FAILED = "failed"

    run_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="analysis_runs")
    tool = models.CharField(max_length=64, db_index=True)
    tool_version = models.CharField(max_length=32)
    model_digest = models.CharField(max_length=64, blank=True, default="")
    parameters = models.JSONField(default=dict, blank=True)
    started_by = models.CharField(max_length=150)
    legal_basis = models.TextField(blank=True, default="")
    necessity = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    items_analyzed = models.IntegerField(default=0)
    items_failed = models.IntegerField(default=0)
    issues = models.JSONField(
        default=list, blank=True, help_text="Per-content errors (first 1,000), never content"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.tool} on {self.case} ({self.run_id})"


class Suggestion(models.Model):
    """An AI output about one content in one case: never a finding until a person confirms."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, related_name="suggestions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suggestions")
    blob = models.ForeignKey(
        Blob, to_field="sha256", on_delete=models.PROTECT, related_name="suggestions"
    )
    item = models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
        help_text="The first item of the case with this content (all share the suggestion)",
    )
    tool = models.CharField(max_length=64, db_index=True)
    tool_version = models.CharField(max_length=32)
    model_digest = models.CharField(max_length=64, blank=True, default="")
    parameters = models.JSONField(default=dict, blank=True)
    label = models.CharField(max_length=200)
    confidence = models.FloatField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "tool"], name="suggestion_case_tool"),
            # The review queue's object filter and its list of labels (vigil.web.review.queue).
            models.Index(fields=["case", "tool", "label"], name="suggestion_case_tool_label"),
        ]

    def __str__(self) -> str:
        return f"{self.tool}: {self.label}"


class Decision(models.Model):
    """A person's confirmation or rejection of a suggestion; the latest one counts."""

    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed"
        REJECTED = "rejected"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="decisions")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reason = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.verdict} by {self.decided_by}"
