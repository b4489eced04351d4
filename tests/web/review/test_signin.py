"""Signing in takes a password and a TOTP code; five failures lock; idleness signs out."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.web.personas import PASSWORD, current_code, make_person, seed_case, sign_in, web_client

pytestmark = pytest.mark.usefixtures("django_instance")


def _entries(action: str, **fields: Any) -> list[Any]:
    from vigil.records.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(action=action, **fields).order_by("seq"))


def test_a_password_alone_opens_nothing_but_the_code_page(case_name: str) -> None:
    person = make_person(f"pw-only-{case_name}", ("investigator",))
    client = web_client()
    answer = client.post("/signin/", {"username": person.username, "password": PASSWORD})
    assert answer["Location"] == "/signin/code/"
    assert client.get("/")["Location"] == "/signin/code/"
    assert client.get("/me/")["Location"] == "/signin/code/"
    assert client.get("/api/v1/cases").status_code == 401


def test_a_first_sign_in_enrols_an_authenticator_from_a_qr_code(case_name: str) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.accounts.services import add_user, default_agency

    user, _ = add_user(
        f"new-{case_name}"[:150], ["reviewer"], agency=default_agency(), password=PASSWORD
    )
    client = web_client()
    assert (
        client.post("/signin/", {"username": user.username, "password": PASSWORD})["Location"]
        == "/signin/enrol/"
    )
    page = client.get("/signin/enrol/")
    assert b"<svg" in page.content and page["Cache-Control"].startswith("max-age=0")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/signin/enrol/", {"code": "000000"}).status_code == 200
    time.sleep(1.1)  # django-otp throttles the attempt right after a failure
    done = client.post("/signin/enrol/", {"code": f"{totp(device.bin_key):06d}"})
    assert done["Location"] == "/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 200
    assert _entries("auth.totp_enrolled", actor=user.username)


def test_five_failures_lock_the_account_even_with_the_right_password_after(
    case_name: str,
) -> None:
    person = make_person(f"locked-{case_name}", ("investigator",))
    client = web_client()
    for _ in range(5):
        page = client.post("/signin/", {"username": person.username, "password": "wrong guess!"})
        assert page.status_code == 200
    assert "locked" in page.content.decode()
    right = client.post("/signin/", {"username": person.username, "password": PASSWORD})
    assert right.status_code == 200 and "locked" in right.content.decode()
    assert len(_entries("auth.locked", actor=person.username)) == 1
    failures = [
        e.details
        for e in _entries("auth.login_failed")
        if e.details.get("username") == person.username
    ]
    assert [f["reason"] for f in failures] == ["password"] * 5 + ["locked"]


def test_wrong_codes_count_towards_the_lock_too(case_name: str) -> None:
    from vigil.accounts.signin import locked_until

    person = make_person(f"codes-{case_name}", ("reviewer",))
    client = web_client()
    client.post("/signin/", {"username": person.username, "password": PASSWORD})
    for _ in range(5):
        answer = client.post("/signin/code/", {"code": "000000"})
    assert answer.status_code == 403
    assert locked_until(person.user) is not None
    assert client.get("/").status_code == 302  # signed out


def test_an_administrator_lifts_a_lock(case_name: str) -> None:
    from vigil.accounts.signin import locked_until, register_failure, unlock

    person = make_person(f"unlock-{case_name}", ("reviewer",))
    for _ in range(5):
        register_failure(person.user, "password")
    assert locked_until(person.user) is not None
    assert unlock(person.user, actor="cli:admin")
    sign_in(person)


def test_an_idle_session_is_signed_out_and_told_why(case_name: str) -> None:
    from django.conf import settings

    from vigil.web.middleware import LAST_ACTIVITY

    person = make_person(f"idle-{case_name}", ("reviewer",))
    client = sign_in(person)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 1
    session.save()
    answer = client.get("/")
    assert answer["Location"] == "/signin/?reason=idle&next=%2F"
    assert client.get("/")["Location"].startswith("/signin/")
    assert _entries("auth.idle_timeout", actor=person.username)


def test_polling_in_the_background_does_not_keep_a_session_alive(case_name: str) -> None:
    from django.conf import settings

    from vigil.web.middleware import LAST_ACTIVITY

    person = make_person(f"poll-{case_name}", ("reviewer",))
    client = sign_in(person)
    almost_idle = time.time() - settings.SESSION_IDLE_MINUTES * 60 + 60
    session = client.session
    session[LAST_ACTIVITY] = almost_idle
    session.save()
    assert client.get("/me/", HTTP_X_VIGIL_BACKGROUND="1").status_code == 200
    assert client.session[LAST_ACTIVITY] == almost_idle
    assert client.get("/me/").status_code == 200
    assert client.session[LAST_ACTIVITY] > almost_idle


def test_the_code_page_refuses_a_code_used_once_already(case_name: str) -> None:
    person = make_person(f"replay-{case_name}", ("reviewer",))
    code = current_code(person.device)
    first = web_client()
    first.post("/signin/", {"username": person.username, "password": PASSWORD})
    assert first.post("/signin/code/", {"code": code})["Location"] == "/"
    second = web_client()
    second.post("/signin/", {"username": person.username, "password": PASSWORD})
    assert second.post("/signin/code/", {"code": code}).status_code == 200


def test_after_signing_in_the_person_lands_on_the_page_they_asked_for(case_name: str) -> None:
    from tests.web.personas import current_code

    seeded = seed_case(case_name)
    person = make_person(f"next-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = web_client()
    wanted = f"/cases/{seeded.case.pk}/review/?status=near"
    to_sign_in = client.get(wanted)["Location"]
    client.post(to_sign_in, {"username": person.username, "password": PASSWORD})
    landed = client.post("/signin/code/", {"code": current_code(person.device)})
    assert landed["Location"] == wanted
    elsewhere = web_client().post(
        "/signin/?next=https://elsewhere.example/",
        {"username": person.username, "password": PASSWORD},
    )
    assert elsewhere["Location"] == "/signin/code/"  # and then "/", never another site
