"""Signing in takes a password and a TOTP code; five failures lock, at either step; the session
key changes at every step; idleness signs out."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.web.personas import PASSWORD, current_code, make_person, seed_case, sign_in, web_client

pytestmark = pytest.mark.usefixtures("django_instance")

REFUSED = (
    "Sign-in refused: the user name or password is not right, or the account is locked after "
    "too many failed attempts. Try again later."
)


def _entries(action: str, **fields: Any) -> list[Any]:
    from vigil.records.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(action=action, **fields).order_by("seq"))


def _failures(username: str) -> list[dict[str, Any]]:
    return [
        e.details for e in _entries("auth.login_failed") if e.details.get("username") == username
    ]


def _error(page: Any) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page.content.decode(), re.S)
    return found.group(1) if found else ""


def _lock(user: Any) -> None:
    from vigil.accounts.signin import register_failure

    for _ in range(5):
        register_failure(user, "password")


def _session_key(client: Any) -> str:
    from django.conf import settings

    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _session_exists(key: str) -> bool:
    from importlib import import_module

    from django.conf import settings

    return bool(import_module(settings.SESSION_ENGINE).SessionStore().exists(key))


def _with_session(key: str) -> Any:
    """A second browser holding a copy of a session cookie (one planted, or seen)."""
    from django.conf import settings

    other = web_client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


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
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from vigil.accounts.signin import locked_until

    person = make_person(f"locked-{case_name}", ("investigator",))
    client = web_client()
    for _ in range(5):
        page = client.post("/signin/", {"username": person.username, "password": "wrong guess!"})
        assert page.status_code == 200 and _error(page) == REFUSED
    until = locked_until(person.user)
    expected = timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES)
    assert until is not None and abs(until - expected) < timedelta(minutes=1)
    right = client.post("/signin/", {"username": person.username, "password": PASSWORD})
    assert right.status_code == 200 and _error(right) == REFUSED
    assert len(_entries("auth.locked", actor=person.username)) == 1
    failures = _failures(person.username)
    assert [f["reason"] for f in failures] == ["password"] * 5 + ["locked"]
    assert {f["factor"] for f in failures} == {"password"}


def test_wrong_codes_count_towards_the_lock_too(case_name: str) -> None:
    from vigil.accounts.signin import locked_until

    person = make_person(f"codes-{case_name}", ("reviewer",))
    client = web_client()
    for _ in range(2):
        client.post("/signin/", {"username": person.username, "password": "wrong guess!"})
    client.post("/signin/", {"username": person.username, "password": PASSWORD})
    for _ in range(2):
        assert client.post("/signin/code/", {"code": "000000"}).status_code == 200
    answer = client.post("/signin/code/", {"code": "000000"})  # the fifth failure in a row
    assert answer.status_code == 403 and _error(answer) == REFUSED
    assert locked_until(person.user) is not None
    assert client.get("/").status_code == 302  # signed out
    assert [f["reason"] for f in _failures(person.username)] == ["password"] * 2 + ["code"] * 3
    assert len(_entries("auth.locked", actor=person.username)) == 1


def test_a_session_opened_before_the_lock_cannot_finish_with_the_right_code(
    case_name: str,
) -> None:
    from vigil.records.accounts.models import SignInState

    person = make_person(f"early-{case_name}", ("investigator",))
    early, earlier = web_client(), web_client()
    for client in (early, earlier):
        answer = client.post("/signin/", {"username": person.username, "password": PASSWORD})
        assert answer["Location"] == "/signin/code/"
    _lock(person.user)  # someone else, meanwhile, guesses at the password
    before = SignInState.objects.get(user=person.user)

    refused = early.post("/signin/code/", {"code": current_code(person.device)})
    assert refused.status_code == 403 and _error(refused) == REFUSED
    assert early.get("/")["Location"].startswith("/signin/")  # signed out, not in
    after = SignInState.objects.get(user=person.user)
    assert (after.failures, after.locked_until) == (5, before.locked_until)  # not reset
    assert not _entries("auth.login", actor=person.username)

    page = earlier.get("/signin/code/")  # the code page itself is closed to a locked account
    assert page.status_code == 403 and _error(page) == REFUSED
    assert earlier.get("/")["Location"].startswith("/signin/")
    locked = [f for f in _failures(person.username) if f["reason"] == "locked"]
    assert [f["factor"] for f in locked] == ["code", "code"]


def test_a_first_sign_in_cannot_enrol_an_authenticator_while_locked(case_name: str) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.accounts.services import add_user, default_agency
    from vigil.records.accounts.models import SignInState

    user, _ = add_user(
        f"enrol-lock-{case_name}"[:150], ["reviewer"], agency=default_agency(), password=PASSWORD
    )
    client = web_client()
    client.post("/signin/", {"username": user.username, "password": PASSWORD})
    assert client.get("/signin/enrol/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    _lock(user)
    refused = client.post("/signin/enrol/", {"code": f"{totp(device.bin_key):06d}"})
    assert refused.status_code == 403 and _error(refused) == REFUSED
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert SignInState.objects.get(user=user).failures == 5
    assert client.get("/").status_code == 302


def test_an_unknown_user_name_and_a_locked_one_get_the_same_answer(case_name: str) -> None:
    locked = make_person(f"enum-locked-{case_name}", ("reviewer",))
    unlocked = make_person(f"enum-open-{case_name}", ("reviewer",))
    _lock(locked.user)
    answers = {
        "locked": web_client().post(
            "/signin/", {"username": locked.username, "password": PASSWORD}
        ),
        "unknown": web_client().post(
            "/signin/", {"username": f"enum-nobody-{case_name}", "password": PASSWORD}
        ),
        "wrong": web_client().post(
            "/signin/", {"username": unlocked.username, "password": "wrong guess!"}
        ),
    }

    def page_of(name: str, username: str) -> str:
        text = answers[name].content.decode().replace(username, "NAME")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)

    assert {answer.status_code for answer in answers.values()} == {200}
    assert {_error(answer) for answer in answers.values()} == {REFUSED}
    # Apart from the name typed in, the pages are the same to the byte.
    assert page_of("locked", locked.username) == page_of("unknown", f"enum-nobody-{case_name}")
    assert page_of("wrong", unlocked.username) == page_of("unknown", f"enum-nobody-{case_name}")
    assert [f["reason"] for f in _failures(locked.username)][-1] == "locked"
    assert [f["reason"] for f in _failures(f"enum-nobody-{case_name}")] == ["unknown_user"]


def test_after_the_lock_expires_the_right_password_and_code_sign_in(case_name: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from vigil.records.accounts.models import SignInState

    person = make_person(f"expired-{case_name}", ("reviewer",))
    _lock(person.user)
    refused = web_client().post("/signin/", {"username": person.username, "password": PASSWORD})
    assert _error(refused) == REFUSED
    SignInState.objects.filter(user=person.user).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    client = sign_in(person)
    assert client.get("/").status_code == 200
    state = SignInState.objects.get(user=person.user)
    assert (state.failures, state.locked_until) == (0, None)


def test_the_session_key_changes_after_each_step_and_at_sign_out(case_name: str) -> None:
    person = make_person(f"keys-{case_name}", ("reviewer",))
    client = web_client()
    planted = client.session  # a key fixed before signing in, as an attacker would
    planted["planted"] = True
    planted.save()
    keys = [_session_key(client)]

    client.post("/signin/", {"username": person.username, "password": PASSWORD})
    keys.append(_session_key(client))
    client.post("/signin/", {"username": person.username, "password": PASSWORD})  # again
    keys.append(_session_key(client))
    assert client.post("/signin/code/", {"code": current_code(person.device)})["Location"] == "/"
    keys.append(_session_key(client))
    assert client.get("/").status_code == 200
    assert len(set(keys)) == len(keys)
    assert not any(_session_exists(key) for key in keys[:-1])
    for stale in keys[:-1]:  # a copy of an earlier cookie opens nothing
        assert _with_session(stale).get("/")["Location"].startswith("/signin/")

    signed_in = keys[-1]
    assert client.post("/signout/")["Location"] == "/signin/"
    assert not _session_exists(signed_in)
    assert _with_session(signed_in).get("/")["Location"].startswith("/signin/")
    assert client.get("/")["Location"].startswith("/signin/")


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
