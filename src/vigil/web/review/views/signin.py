"""Sign in with a password, then a TOTP code (enrolled on the first sign-in); sign out."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login

from vigil.accounts import signin
from vigil.audit.log import record
from vigil.web.accounts.preferences import preferences_of
from vigil.web.review.forms import CodeForm, SignInForm

NEXT = "vigil_next"
# One answer for a wrong password, an unknown user name and a lock, at either step: telling them
# apart would let anyone learn which user names exist by trying them.
REFUSED = gettext_lazy(
    "Sign-in refused: the user name or password is not right, or the account is locked after "
    "too many failed attempts. Try again later."
)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = signin.password_step(
            request, form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if result.user is not None:
            # A fresh session for a fresh sign-in: login() keeps the key (and any verified
            # device) when the same user is already in the session.
            request.session.flush()
            login(request, result.user)
            request.session[NEXT] = _safe_next(request)
            if signin.has_confirmed_device(result.user):
                return redirect("otp_verify")
            return redirect("otp_enrol")
        error = str(REFUSED)
    reason = request.GET.get("reason")
    notice = _("You were signed out after a period without activity.") if reason == "idle" else ""
    return render(request, "signin/login.html", {"form": form, "error": error, "notice": notice})


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if signin.has_confirmed_device(user):
        return redirect("otp_verify")
    if request.method == "GET" and signin.lock_refusal(user, "code"):
        return _locked_out(request)
    device = signin.pending_device(user)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = signin.confirm_device(device, form.cleaned_data["code"])
        if result.device is not None:
            return _signed_in(request, user, result.device)
        if result.locked:
            return _locked_out(request)
        error = _("That code is not right. Check the time on your phone and try again.")
    context = {
        "form": form,
        "error": error,
        "qr_svg": signin.qr_code_svg(device),
        "secret": signin.secret_base32(device),
    }
    return render(request, "signin/enrol.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not signin.has_confirmed_device(user):
        return redirect("otp_enrol")
    if request.method == "GET" and signin.lock_refusal(user, "code"):
        return _locked_out(request)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = signin.code_step(user, form.cleaned_data["code"])
        if result.device is not None:
            return _signed_in(request, user, result.device)
        if result.locked:
            return _locked_out(request)
        error = _("That code is not right.")
    return render(request, "signin/verify.html", {"form": form, "error": error})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("auth.logout", actor=request.user.get_username(), purpose=signin.PURPOSE)
    logout(request)  # flushes the session: its key is dead, not merely emptied
    return redirect("login")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, also kept in the person's preferences when signed in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and response.status_code == 302:
        preferences = preferences_of(request.user)
        preferences.language = language
        preferences.save(update_fields=["language"])
    return response


def _signed_in(request: HttpRequest, user: User, device: object) -> HttpResponse:
    otp_login(request, device)
    # The second factor raises the session's rights: a key (or CSRF token) known from before,
    # planted or seen, must not carry them.
    request.session.cycle_key()
    rotate_token(request)
    record("auth.login", actor=user.username, purpose=signin.PURPOSE)
    target = request.session.pop(NEXT, "") or "/"
    response = redirect(target)
    language = preferences_of(user).language
    if language:
        from django.conf import settings

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    form = SignInForm()
    return render(request, "signin/login.html", {"form": form, "error": REFUSED}, status=403)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "the route rules let only signed-in users here"
    return user


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
