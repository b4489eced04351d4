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


class CaseMembership(models.Model):
    """Who works on a case. Membership is the only way to see anything of a case; what a member
    may do there comes from their agency roles (vigil.web.access.ROLE_ACTIONS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="memberships")
    added_by = models.CharField(max_length=200)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="case_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.case}"


class SignInState(models.Model):
    """Consecutive failed sign-ins (password or code) and the lock they lead to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_state"
    )
    failures = models.IntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.failures} failures"


class Preferences(models.Model):
    """A reviewer's wellbeing and language choices. Blur, greyscale and muted media are the
    defaults: seeing material plainly is a choice the person makes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    blur = models.BooleanField(default=True)
    greyscale = models.BooleanField(default=True)
    muted = models.BooleanField(default=True)
    exposure_reminder_minutes = models.PositiveSmallIntegerField(
        default=45, help_text="Suggest a break after this long with media on screen; 0 = never"
    )
    language = models.CharField(max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return f"preferences of {self.user}"
