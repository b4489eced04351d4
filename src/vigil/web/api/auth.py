"""Bearer-token authentication for the API; every failure is written to the audit log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from vigil.records.api.models import ApiToken, token_digest


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
            from vigil.audit.log import record

            record(
                "auth.token_failed",
                actor="anonymous",
                outcome="refused",
                purpose="api",
                details={"path": request.path},
            )
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return row.user


class VerifiedSessionAuth(SessionAuth):
    """The browser's session, once signed in with both factors (CSRF-checked by Ninja)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_verified():
            return user
        return None
