"""Vetted membership: the allow-list of official domains, requests, approval and rejection.

Someone without an account registers (their official e-mail becomes their user name; the
account stays inactive, so it cannot sign in, until a hub admin approves). Someone who already
signs in to this instance asks to join from the request page. Either way a hub admin decides;
approval activates the account, makes the person a member and tells them by e-mail. Their first
sign-in then enrols their authenticator, as for every user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from vigil.accounts.services import MIN_PASSWORD_LENGTH
from vigil.audit.log import record
from vigil.hub.community.countries import is_country
from vigil.hub.community.notify import notify
from vigil.records.accounts.models import Agency
from vigil.records.community.models import AllowedDomain, HubMember, RegistrationRequest

PURPOSE = "hub membership"
State = RegistrationRequest.State


class MembershipError(ValueError):
    """A request or decision that cannot be carried out, said plainly."""


@dataclass(frozen=True, slots=True)
class Applicant:
    full_name: str
    agency_name: str
    country: str
    email: str


def normalise_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".").removeprefix("@")
    if not domain or "." not in domain or any(c.isspace() or c in "/@" for c in domain):
        raise MembershipError(f"{domain!r} is not a domain name such as police.example")
    return domain


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower().rstrip(".")


def email_allowed(email: str, country: str) -> bool:
    """An official address: its domain, or a parent domain of it, is allowed for the country."""
    domain = email_domain(email)
    allowed = AllowedDomain.objects.filter(country=country).values_list("domain", flat=True)
    return any(domain == entry or domain.endswith("." + entry) for entry in allowed)


def allow_domain(country: str, domain: str, *, by: str) -> AllowedDomain:
    country = country.strip().upper()
    if not is_country(country):
        raise MembershipError(f"{country!r} is not an ISO 3166 alpha-2 country code")
    entry, created = AllowedDomain.objects.get_or_create(
        country=country, domain=normalise_domain(domain), defaults={"added_by": by}
    )
    if created:
        record(
            "hub.domain_allow",
            actor=by,
            purpose=PURPOSE,
            details={"country": country, "domain": entry.domain},
        )
    return entry


def disallow_domain(entry: AllowedDomain, *, by: str) -> None:
    record(
        "hub.domain_remove",
        actor=by,
        purpose=PURPOSE,
        details={"country": entry.country, "domain": entry.domain},
    )
    entry.delete()


def _checked(applicant: Applicant) -> Applicant:
    country = applicant.country.strip().upper()
    email = applicant.email.strip().lower()
    if not is_country(country):
        raise MembershipError(f"{country!r} is not an ISO 3166 alpha-2 country code")
    if not email_allowed(email, country):
        raise MembershipError(
            f"{email_domain(email)} is not an official domain of {country} on this hub: "
            "use your agency's address, or ask the hub's administrators to add the domain"
        )
    return Applicant(applicant.full_name.strip(), applicant.agency_name.strip(), country, email)


@transaction.atomic
def register(applicant: Applicant, password: str) -> RegistrationRequest:
    """A new person: an inactive account named by their e-mail, and their pending request."""
    applicant = _checked(applicant)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise MembershipError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if User.objects.filter(username__iexact=applicant.email).exists():
        raise MembershipError("this e-mail address has registered already")
    user = User.objects.create_user(
        username=applicant.email, email=applicant.email, password=password, is_active=False
    )
    return _file(user, applicant)


@transaction.atomic
def request_membership(user: User, applicant: Applicant) -> RegistrationRequest:
    """A person who already signs in here asks to join the hub."""
    applicant = _checked(applicant)
    if HubMember.objects.filter(user=user).exists():
        raise MembershipError("you are a member already")
    if RegistrationRequest.objects.filter(user=user, state=State.PENDING).exists():
        raise MembershipError("your request is already waiting for a hub admin")
    return _file(user, applicant)


def _file(user: User, applicant: Applicant) -> RegistrationRequest:
    request = RegistrationRequest.objects.create(
        user=user,
        full_name=applicant.full_name,
        agency_name=applicant.agency_name,
        country=applicant.country,
        email=applicant.email,
    )
    record(
        "hub.membership_request",
        actor=user.username,
        purpose=PURPOSE,
        details={"request": request.pk, "country": applicant.country},
    )
    return request


def pending_request(email: str) -> RegistrationRequest:
    found = RegistrationRequest.objects.filter(email=email.strip().lower(), state=State.PENDING)
    request = found.select_related("user").first()
    if request is None:
        raise MembershipError(f"no pending request from {email.strip()!r}")
    return request


@transaction.atomic
def approve(request: RegistrationRequest, *, by: str) -> HubMember:
    if request.state != State.PENDING:
        raise MembershipError(f"this request was {request.state} already")
    agency = Agency.objects.filter(name=request.agency_name).first() or Agency.objects.create(
        name=request.agency_name, country=request.country
    )
    user = request.user
    user.is_active = True
    user.email = request.email
    user.save(update_fields=["is_active", "email"])
    member, _ = HubMember.objects.update_or_create(
        user=user,
        defaults={
            "full_name": request.full_name,
            "agency": agency,
            "country": request.country,
            "email": request.email,
            "approved_by": by,
            "approved_at": timezone.now(),
        },
    )
    _decide(request, State.APPROVED, by, "")
    notify(
        [request.email],
        "Your membership is approved",
        f"Welcome to the hub, {request.full_name}. Sign in with {user.username}; on your first "
        "sign-in you will set up your authenticator app.",
    )
    return member


@transaction.atomic
def reject(request: RegistrationRequest, *, by: str, reason: str) -> None:
    if request.state != State.PENDING:
        raise MembershipError(f"this request was {request.state} already")
    if not reason.strip():
        raise MembershipError("give the reason for a rejection; the applicant is told")
    _decide(request, State.REJECTED, by, reason.strip())
    notify([request.email], "Your membership request", f"Your request was declined: {reason}")


def _decide(request: RegistrationRequest, state: str, by: str, reason: str) -> None:
    request.state = state
    request.decided_by = by
    request.decided_at = timezone.now()
    request.reason = reason
    request.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    record(
        f"hub.membership_{state}",
        actor=by,
        purpose=PURPOSE,
        details={"request": request.pk, "user": request.user.username},
    )
