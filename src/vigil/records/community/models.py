"""The vetted community: who may join (per-country domains), requests, members, the forum, the
knowledge base, and reports to the moderators.

Every piece of content records the language it was written in, so members can filter by it.
Posts and articles keep their Markdown and the sanitised HTML rendered from it at save time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

ISO_COUNTRY = RegexValidator(r"^[A-Z]{2}$", "an ISO 3166 alpha-2 code, e.g. FR")


class AllowedDomain(models.Model):
    """An official e-mail domain of one country's law enforcement (subdomains included)."""

    country = models.CharField(max_length=2, validators=[ISO_COUNTRY])
    domain = models.CharField(max_length=253)
    added_by = models.CharField(max_length=200)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["country", "domain"], name="allowed_domain_unique")
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.country})"


class RegistrationRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_requests"
    )
    full_name = models.CharField(max_length=200)
    agency_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, validators=[ISO_COUNTRY])
    email = models.EmailField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=200, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=1000, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # One open request per person; a rejected person may ask again.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="registration_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.state})"


class HubMember(models.Model):
    """An approved member of the hub's community (hub admins are members by their role)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_member"
    )
    full_name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="hub_members"
    )
    country = models.CharField(max_length=2, validators=[ISO_COUNTRY])
    email = models.EmailField()
    approved_by = models.CharField(max_length=200)
    approved_at = models.DateTimeField()
    in_directory = models.BooleanField(
        default=False, help_text="Listed in the member directory (the member's choice)"
    )
    notify_replies = models.BooleanField(default=True)
    bio = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class ForumCategory(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    names = models.JSONField(default=dict, help_text="{language: name}")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "forum categories"

    def __str__(self) -> str:
        return self.slug


class Thread(models.Model):
    category = models.ForeignKey(ForumCategory, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hub_threads"
    )
    language = models.CharField(max_length=16)
    locked = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_post_at"]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hub_posts"
    )
    body = models.TextField()
    body_html = models.TextField(editable=False)
    language = models.CharField(max_length=16)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"post {self.pk} in {self.thread}"


class Article(models.Model):
    """A knowledge-base article: an insight or a strategy a member shares."""

    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500)
    body = models.TextField()
    body_html = models.TextField(editable=False)
    language = models.CharField(max_length=16)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hub_articles"
    )
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    """A member's report of a post to the moderators."""

    class Outcome(models.TextChoices):
        OPEN = "open"
        HIDDEN = "hidden"  # the post was hidden
        DISMISSED = "dismissed"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_reports"
    )
    reason = models.CharField(max_length=1000)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.CharField(max_length=200, blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.post} ({self.outcome})"
