"""Groups of faces that probably show the same person within one case.

A grouping is AI output like any suggestion: it names no one, it only says "these faces look
alike". Each grouping is kept with what it was made from (model digest, threshold, who, when);
a new grouping of the case does not erase the old one.
"""

from __future__ import annotations

from django.db import models

from vigil.records.analysis.models import Suggestion
from vigil.records.cases.models import Case


class FaceClustering(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="face_clusterings")
    tool = models.CharField(max_length=64)
    model_digest = models.CharField(max_length=64)
    threshold = models.FloatField()
    faces = models.IntegerField(help_text="Faces grouped")
    skipped = models.JSONField(default=dict, blank=True, help_text="Faces left out, by reason")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"faces of {self.case} grouped at {self.threshold} ({self.created_at:%Y-%m-%d})"


class FaceCluster(models.Model):
    """One group; numbered from 1, largest first. A number, never a name."""

    clustering = models.ForeignKey(FaceClustering, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    spread = models.FloatField(help_text="Mean distance of its faces to their centroid")
    faces = models.ManyToManyField(Suggestion, related_name="face_clusters")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clustering", "number"], name="face_cluster_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"face group {self.number} ({self.size})"
