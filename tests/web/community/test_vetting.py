"""Vetted membership: an unapproved person sees nothing of the hub but the request page, only an
official address of the person's country may ask, and a hub admin's approval lets them in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from tests.web.hub.people import COUNTRY, DOMAIN, allow_test_domain, applicant, hub_member
from tests.web.personas import PASSWORD, make_person, sign_in, web_client

pytestmark = pytest.mark.usefixtures("django_instance")

LOCAL_MAIL = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")

#: One page of each part of the hub; none may show anything to an unapproved person.
HUB_PAGES = (
    "/hub/",
    "/hub/compare/?tools=autopsy&tools=aleapp",
    "/hub/tools/autopsy/",
    "/hub/stats/",
    "/hub/community/",
    "/hub/community/knowledge/",
    "/hub/community/members/",
    "/hub/community/requests/",
    "/hub/training/",
    "/hub/training/courses/investigator-wellbeing/",
    "/hub/training/cohorts/",
)


def test_a_signed_in_user_who_is_not_approved_sees_nothing_but_the_request_page() -> None:
    client = sign_in(make_person("vetting-local-investigator", ("investigator",)))
    for url in HUB_PAGES:
        answer = client.get(url)
        assert (answer.status_code, answer["Location"]) == (302, "/hub/join/"), url
    posted = client.post("/hub/tools/autopsy/", {"rating": 5, "language": "en"})
    assert (posted.status_code, posted["Location"]) == (302, "/hub/join/")
    page = client.get("/hub/join/")
    assert page.status_code == 200
    assert b"Autopsy" not in page.content and b"Tool catalogue" not in page.content


def test_a_user_with_a_pending_request_still_sees_only_the_request_page() -> None:
    from vigil.hub.community.membership import request_membership

    allow_test_domain()
    person = make_person("vetting-pending", ("reviewer",))
    request_membership(person.user, applicant("vetting-pending"))
    client = sign_in(person)
    assert client.get("/hub/training/")["Location"] == "/hub/join/"
    assert b"is waiting for a hub administrator" in client.get("/hub/join/").content


def test_someone_who_registered_cannot_sign_in_until_a_hub_admin_approves() -> None:
    from vigil.hub.community.membership import approve, pending_request

    allow_test_domain()
    email = f"vetting-newcomer@{DOMAIN}"
    form = {
        "full_name": "Officer Newcomer",
        "agency_name": "Brigade des mineurs",
        "country": COUNTRY,
        "email": email,
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    filed = web_client().post("/hub/register/", form)
    assert b"Your request is filed" in filed.content
    refused = web_client().post("/signin/", {"username": email, "password": PASSWORD})
    assert refused.status_code == 200  # the sign-in page again, with its error
    approve(pending_request(email), by="tests")
    accepted = web_client().post("/signin/", {"username": email, "password": PASSWORD})
    assert (accepted.status_code, accepted["Location"]) == (302, "/signin/enrol/")


def test_an_address_outside_the_country_s_official_domains_may_not_ask() -> None:
    from django.contrib.auth.models import User

    from vigil.hub.community.membership import MembershipError, email_allowed, register

    allow_test_domain()
    assert email_allowed(f"someone@{DOMAIN}", COUNTRY)
    assert email_allowed(f"someone@paris.{DOMAIN}", COUNTRY)  # a subdomain
    assert not email_allowed(f"someone@evil{DOMAIN}", COUNTRY)  # not a subdomain
    assert not email_allowed(f"someone@{DOMAIN}", "DE")  # allowed for France only
    for bad in (
        applicant("vetting-webmail", domain="gmail.com"),
        applicant("vetting-elsewhere", country="DE"),
    ):
        with pytest.raises(MembershipError, match="not an official domain"):
            register(bad, PASSWORD)
    assert not User.objects.filter(username__startswith="vetting-webmail").exists()


def test_a_country_that_is_not_iso_3166_is_refused() -> None:
    from vigil.hub.community.membership import MembershipError, register

    with pytest.raises(MembershipError, match="ISO 3166"):
        register(applicant("vetting-atlantis", country="XX"), PASSWORD)


@LOCAL_MAIL
def test_approval_makes_a_member_and_tells_them_by_e_mail() -> None:
    from vigil.hub.community.membership import approve, register

    allow_test_domain()
    mail.outbox = []
    member = approve(register(applicant("vetting-welcome"), PASSWORD), by="tests")
    assert member.user.is_active and member.country == COUNTRY
    assert [message.to for message in mail.outbox] == [[f"vetting-welcome@{DOMAIN}"]]
    assert "approved" in mail.outbox[0].subject


def test_a_hub_admin_approves_a_request_from_the_requests_page() -> None:
    from vigil.hub.community.membership import register
    from vigil.records.community.models import HubMember

    allow_test_domain()
    request = register(applicant("vetting-by-page"), PASSWORD)
    admin = sign_in(make_person("vetting-admin", ("hub_admin",)))
    assert b"vetting-by-page@" in admin.get("/hub/community/requests/").content
    decided = admin.post(
        "/hub/community/requests/", {"request_id": request.pk, "decision": "approve"}
    )
    assert decided.status_code == 302
    assert HubMember.objects.filter(user=request.user).exists()


def test_a_rejection_needs_a_reason_and_keeps_the_account_closed() -> None:
    from vigil.hub.community.membership import MembershipError, register, reject

    allow_test_domain()
    request = register(applicant("vetting-declined"), PASSWORD)
    with pytest.raises(MembershipError, match="reason"):
        reject(request, by="tests", reason=" ")
    reject(request, by="tests", reason="Not a law-enforcement role.")
    request.user.refresh_from_db()
    assert not request.user.is_active


def test_an_approved_member_is_inside_but_is_not_a_hub_admin() -> None:
    client = sign_in(hub_member("vetting-approved"))
    assert client.get("/hub/").status_code == 200
    assert client.get("/hub/training/").status_code == 200
    assert client.get("/hub/join/")["Location"] == "/hub/"
    assert client.get("/hub/community/requests/").status_code == 403
    assert client.get("/hub/community/domains/").status_code == 403
    # The hub is no way into casework: a member of the hub sees no case.
    assert b"You are not a member of any case yet" in client.get("/").content


def test_only_hub_admins_manage_the_domain_list() -> None:
    from vigil.records.community.models import AllowedDomain

    admin = sign_in(make_person("vetting-domain-admin", ("hub_admin",)))
    added = admin.post("/hub/community/domains/", {"country": "es", "domain": "@Policia.Example."})
    assert added.status_code == 302
    entry = AllowedDomain.objects.get(country="ES", domain="policia.example")
    removed = admin.post("/hub/community/domains/", {"domain_id": entry.pk})
    assert removed.status_code == 302
    assert not AllowedDomain.objects.filter(pk=entry.pk).exists()


def member_directory(client: Any) -> bytes:
    return bytes(client.get("/hub/community/members/").content)


def test_the_directory_lists_only_members_who_opted_in() -> None:
    shy = hub_member("vetting-shy")
    listed = hub_member("vetting-listed")
    client = sign_in(listed)
    client.post("/hub/community/me/", {"in_directory": "on", "notify_replies": "on", "bio": "VID"})
    page = member_directory(client)
    assert b"Officer vetting-listed" in page
    assert shy.user.username.encode() not in page and b"Officer vetting-shy" not in page
