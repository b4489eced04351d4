"""What reviewers conclude about items, kept apart from what hash lists and AI tools say.

The category a list gives (Item.match_category) and an AI suggestion stay as they were; a
person's categorisation, flags, tags and notes live here, with who and when, and every change
is written to the audit log by vigil.web.review.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from vigil.records.cases.models import Case, Item


class ItemReview(models.Model):
    """A person's current conclusions on one item; the audit log keeps each change."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="review")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="item_reviews")
    category = models.CharField(max_length=32, null=True, blank=True)  # "vics:1", "caid:A"
    series = models.CharField(max_length=200, blank=True, default="")
    victim_identified = models.BooleanField(default=False)
    offender_identified = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["case", "category"], name="review_case_category")]

    def __str__(self) -> str:
        return f"item {self.item_id}: {self.category or 'uncategorised'}"


class Tag(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class ItemTag(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="item_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="item_tags")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "tag"], name="item_tag_unique"),
        ]
        indexes = [models.Index(fields=["tag", "item"], name="item_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.item_id}"


class Note(models.Model):
    """A reviewer's note on an item; notes are added, never edited."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"note {self.pk} on {self.item_id}"
