"""What the CLI and the governance need of accounts: the agency, its users and their roles."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from vigil.config import ConfigError
from vigil.records.accounts.models import Agency, Membership, Role

DEFAULT_AGENCY_NAME = "Local agency"
MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A request about users or roles that cannot be carried out, said plainly."""


def country_from_env() -> str:
    country = os.environ.get("VIGIL_COUNTRY", "") or "ZZ"
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ConfigError(
            f"VIGIL_COUNTRY must be an ISO 3166 alpha-2 code such as FR, not {country!r}"
        )
    return country


def default_agency() -> Agency:
    """The agency this instance serves: the first one created, else "Local agency" now."""
    agency = Agency.objects.order_by("pk").first()
    if agency is None:
        agency, _ = Agency.objects.get_or_create(
            name=DEFAULT_AGENCY_NAME, defaults={"country": country_from_env()}
        )
    return agency


def agency_named(name: str | None) -> Agency:
    """The named agency, created with the instance's country if new; None: the default."""
    if not name:
        return default_agency()
    agency, _ = Agency.objects.get_or_create(
        name=name.strip(), defaults={"country": country_from_env()}
    )
    return agency


def parse_roles(names: Iterable[str]) -> list[Role]:
    roles: list[Role] = []
    for name in names:
        try:
            roles.append(Role(name.strip().lower()))
        except ValueError:
            known = ", ".join(Role.values)
            raise AccountError(f"unknown role {name!r} (roles: {known})") from None
    if not roles:
        raise AccountError("give at least one --role")
    return roles


@transaction.atomic
def add_user(
    username: str, roles: Iterable[str], *, agency: Agency, password: str | None
) -> tuple[User, bool]:
    """Creates the user (a password is then required) or adds roles to an existing one.
    Returns the user and whether it was created."""
    username = username.strip()
    if not username:
        raise AccountError("a username cannot be empty")
    parsed = parse_roles(roles)
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        if password is None:
            raise AccountError(f"{username} is a new user: give a password (--password-stdin)")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
        user = User.objects.create_user(username=username, password=password)
    for role in parsed:
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user, created


def roles_of(user: User, agency: Agency) -> set[str]:
    return set(Membership.objects.filter(user=user, agency=agency).values_list("role", flat=True))


def usernames_with_role(agency: Agency, role: Role) -> list[str]:
    return sorted(
        Membership.objects.filter(agency=agency, role=role, user__is_active=True).values_list(
            "user__username", flat=True
        )
    )


def agency_of(user: Any) -> Any:
    """The agency a user acts for: their membership's, else the instance's own."""
    membership = Membership.objects.filter(user=user).select_related("agency").first()
    return membership.agency if membership else default_agency()
