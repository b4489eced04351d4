"""Request guards of the web app: security headers, the idle lock, and the route rules."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from vigil.audit.log import record
from vigil.web.access import API_NAMESPACE, ROUTE_RULES, SignIn

Handler = Callable[[HttpRequest], HttpResponse]

# Self only, no inline script or style: the pages load their JS and CSS from /static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
LAST_ACTIVITY = "vigil_last_activity"
BACKGROUND_HEADER = "HTTP_X_VIGIL_BACKGROUND"  # polling: not a sign of a person at the screen


# The only routes whose answers a browser or proxy may keep: the vendored JS and CSS.
CACHEABLE_ROUTES = frozenset({"asset"})


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not _cacheable(request) and "Cache-Control" not in response.headers:
            # Deny by default: pages, API answers (bearer token or session) and errors name
            # evidence or cases; no copy may stay in a browser's or a proxy's cache. A view
            # that set its own ("private, no-store" for media) keeps it.
            add_never_cache_headers(response)
        return response


def _cacheable(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and not match.namespaces and match.url_name in CACHEABLE_ROUTES


class IdleTimeoutMiddleware:
    """Signs a person out after VIGIL_SESSION_IDLE_MINUTES without a request of theirs."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_MINUTES * 60:
                username = request.user.get_username()
                logout(request)
                record(
                    "auth.idle_timeout",
                    actor=username,
                    purpose="sign-in",
                    details={"idle_minutes": settings.SESSION_IDLE_MINUTES},
                )
                return _sign_in_again(request, reason="idle")
            if BACKGROUND_HEADER not in request.META:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


class RouteRulesMiddleware:
    """Deny by default: a route answers only if vigil.web.access.ROUTE_RULES names it, and only
    to someone signed in as far as its rule asks. Case-level checks follow in the view."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:
            return HttpResponseForbidden()
        if API_NAMESPACE in match.namespaces:
            return None  # the API authenticates each operation (bearer token or session)
        rule = ROUTE_RULES.get(match.url_name or "")
        if rule is None:
            return HttpResponseForbidden("This address has no access rule.")
        user = request.user
        if rule.sign_in == SignIn.NONE:
            return None
        if not user.is_authenticated:
            return _sign_in_again(request, reason="")
        if rule.sign_in == SignIn.PASSWORD:
            return None
        if not _two_factor_verified(user):
            return redirect("otp_verify")
        return None


def _two_factor_verified(user: object) -> bool:
    """django_otp's OTPMiddleware gives the user is_verified(): True after the code step."""
    verified = getattr(user, "is_verified", None)
    return bool(verified is not None and verified())


def _sign_in_again(request: HttpRequest, *, reason: str) -> HttpResponse:
    query = {"reason": reason} if reason else {}
    if request.method == "GET" and not request.headers.get("HX-Request"):
        query["next"] = request.get_full_path()  # back to this page after signing in
    login = reverse("login") + (f"?{urlencode(query)}" if query else "")
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = login
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Unauthorized"}, status=401)
    return redirect(login)
