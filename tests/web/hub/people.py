"""Hub people for the web tests: approved members (officers of other agencies, with no role in
this instance), hub admins, and the official domains they register from. Each is made through
the same services the pages use, and signs in through the real sign-in pages.

The in-process instance is shared by the whole test session: callers give unique names.
"""

from __future__ import annotations

from typing import Any

from tests.web.personas import PASSWORD, Person, make_person, sign_in

COUNTRY = "FR"
DOMAIN = "police-test.example"


def allow_test_domain() -> None:
    from vigil.hub.community.membership import allow_domain

    allow_domain(COUNTRY, DOMAIN, by="tests")


def applicant(name: str, *, country: str = COUNTRY, domain: str = DOMAIN) -> Any:
    from vigil.hub.community.membership import Applicant

    return Applicant(f"Officer {name}", "Brigade des mineurs", country, f"{name}@{domain}")


def hub_member(name: str) -> Person:
    """An officer who registered, was approved, and set up an authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.hub.community.membership import approve, register

    allow_test_domain()
    request = register(applicant(name), PASSWORD)
    member = approve(request, by="tests")
    device = TOTPDevice.objects.create(user=member.user, name="test", confirmed=True)
    return Person(member.user, device, ())


def hub_admin(name: str) -> Person:
    return make_person(name, ("hub_admin",))


def signed_in(person: Person) -> Any:
    return sign_in(person)
