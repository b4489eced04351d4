"""Catalogue tools as stored in the database, and the reviews members write about them.

A Tool mirrors vigil.hub.catalogue.CatalogueEntry field for field; translated texts are kept as
JSON ({language: text}) beside the entry's other fields, because they are always read and written
with it. Two derived columns serve queries that must run alike on SQLite and PostgreSQL:
`facets` ("|category:ocr|crime:fraud|…|") for filters and `search_text` (every text of the
entry, in all six languages, case-folded) for full-text search.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Tool(models.Model):
    class Origin(models.TextChoices):
        SEED = "seed"  # as shipped; follows the seed when Vigil is upgraded
        CURATED = "curated"  # edited or imported by a hub admin; the seed never overwrites it

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    categories = models.JSONField(default=list)
    crimes = models.JSONField(default=list)
    inputs = models.JSONField(default=list)
    ui_languages = models.JSONField(default=list)
    deployment = models.JSONField(default=list)
    licence = models.CharField(max_length=200)
    cost = models.CharField(max_length=40)
    open_source = models.BooleanField(default=False)
    reference = models.URLField(max_length=500)
    description = models.JSONField(default=dict)
    data_handling = models.JSONField(default=dict)

    hidden = models.BooleanField(default=False, help_text="Hidden by a hub admin")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.SEED)
    facets = models.TextField(default="", editable=False)
    search_text = models.TextField(default="", editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One approved member's rating and review of one tool, in the language they wrote it in."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tool_reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, default="")
    language = models.CharField(max_length=16)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "author"], name="review_one_per_member"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.tool} by {self.author}"
