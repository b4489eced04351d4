"""Signing in: password, then a TOTP code; five failures in a row lock the account.

Failures of either factor count towards the lock, so a stolen password does not buy unlimited
guesses at the code, and the lock is checked at both factors, so a session that got past the
password before the lock cannot finish with the code. Every attempt, lock and unlock is written
to the audit log.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.audit.log import record
from vigil.records.accounts.models import SignInState

PURPOSE = "sign-in"


@dataclass(frozen=True, slots=True)
class PasswordResult:
    user: User | None
    locked: bool = False


@dataclass(frozen=True, slots=True)
class CodeResult:
    device: TOTPDevice | None
    locked: bool = False


def password_step(request: HttpRequest, username: str, password: str) -> PasswordResult:
    """The user if the password is right and the account is not locked."""
    account = User.objects.filter(username=username).first()
    if account is not None and locked_until(account) is not None:
        # Refused before the password is checked: a lock must not become a password oracle. The
        # hash is still computed so that a lock does not show in the response time either.
        make_password(password)
        _audit_failure(username, "locked", factor="password")
        return PasswordResult(None, locked=True)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        if account is None:
            _audit_failure(username, "unknown_user", factor="password")
            return PasswordResult(None)
        return PasswordResult(None, locked=register_failure(account, "password"))
    return PasswordResult(user)


def code_step(user: User, code: str) -> CodeResult:
    """The confirmed device the code belongs to; a wrong code counts as a failure, and while the
    account is locked no code is even tried (a right one must not sign in or reset the count)."""
    code = _clean(code)
    with transaction.atomic():
        # The row lock makes check, verification and reset one step against parallel attempts.
        if _locked_for_update(user):
            _audit_failure(user.username, "locked", factor="code")
            return CodeResult(None, locked=True)
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                register_success(user)
                return CodeResult(device)
        return CodeResult(None, locked=register_failure(user, "code"))


def lock_refusal(user: User, factor: str) -> bool:
    """Whether the account is locked now, auditing the refusal if so (a code page opened by a
    session that got past the password before the lock)."""
    if locked_until(user) is None:
        return False
    _audit_failure(user.username, "locked", factor=factor)
    return True


def locked_until(user: User) -> datetime | None:
    state = SignInState.objects.filter(user=user).first()
    if state is None or state.locked_until is None or state.locked_until <= timezone.now():
        return None
    return state.locked_until


@transaction.atomic
def register_failure(user: User, factor: str) -> bool:
    """Counts a failed attempt; returns True when this one locked the account."""
    state, _ = SignInState.objects.select_for_update().get_or_create(user=user)
    now = timezone.now()
    if state.locked_until is not None and state.locked_until <= now:
        state.failures = 0  # an expired lock starts a fresh count
        state.locked_until = None
    state.failures += 1
    state.last_failure_at = now
    locks = state.failures >= settings.LOGIN_FAILURES_BEFORE_LOCK and state.locked_until is None
    if locks:
        state.locked_until = now + timedelta(minutes=settings.LOCKOUT_MINUTES)
    state.save()
    _audit_failure(user.username, factor, factor=factor, failures=state.failures)
    if locks:
        record(
            "auth.locked",
            actor=user.username,
            outcome="refused",
            purpose=PURPOSE,
            details={"failures": state.failures, "minutes": settings.LOCKOUT_MINUTES},
        )
    return locks


def _locked_for_update(user: User) -> bool:
    state, _ = SignInState.objects.select_for_update().get_or_create(user=user)
    return state.locked_until is not None and state.locked_until > timezone.now()


def register_success(user: User) -> None:
    SignInState.objects.filter(user=user).update(failures=0, locked_until=None)


def unlock(user: User, *, actor: str) -> bool:
    """Lifts a lock (an administrator's decision); returns whether there was one."""
    changed = SignInState.objects.filter(user=user, locked_until__isnull=False).update(
        failures=0, locked_until=None
    )
    record("auth.unlock", actor=actor, purpose=PURPOSE, details={"username": user.username})
    return bool(changed)


def _audit_failure(username: str, reason: str, *, factor: str, failures: int | None = None) -> None:
    details: dict[str, object] = {"username": username, "reason": reason, "factor": factor}
    if failures is not None:
        details["failures"] = failures
    record(
        "auth.login_failed", actor="anonymous", outcome="refused", purpose=PURPOSE, details=details
    )


# -- TOTP devices ------------------------------------------------------------------------------


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device of a first sign-in, created once and shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_device(device: TOTPDevice, code: str) -> CodeResult:
    """Confirms a first sign-in's device with its first code, under the same lock as code_step."""
    user = device.user
    with transaction.atomic():
        if _locked_for_update(user):
            _audit_failure(user.username, "locked", factor="code")
            return CodeResult(None, locked=True)
        if not device.verify_token(_clean(code)):
            return CodeResult(None, locked=register_failure(user, "code"))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        register_success(user)
    record(
        "auth.totp_enrolled",
        actor=user.username,
        purpose=PURPOSE,
        details={"device": device.pk},
    )
    return CodeResult(device)


def replace_devices(user: User, *, actor: str) -> TOTPDevice:
    """A new confirmed device in place of the old ones (a lost phone): the CLI shows it once."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        record(
            "auth.totp_reset",
            actor=actor,
            purpose=PURPOSE,
            details={"username": user.username, "device": device.pk},
        )
    return device


def _clean(code: str) -> str:
    return code.strip().replace(" ", "")


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image request, no CDN)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg: bytes = image.to_string(encoding="unicode").encode()
    return svg.decode()
