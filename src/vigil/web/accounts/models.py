"""An agency and the roles its members hold in it. An instance usually serves one agency."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    country = models.CharField(
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", "an ISO 3166 alpha-2 code, e.g. FR")],
        help_text="ISO 3166-1 alpha-2; ZZ where unknown",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    INVESTIGATOR = "investigator"
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    GOVERNANCE_OFFICER = "governance_officer"
    AGENCY_ADMIN = "agency_admin"
    HUB_ADMIN = "hub_admin"


class Membership(models.Model):
    """One role of one user in one agency; a user holds as many rows as roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} at {self.agency}"
