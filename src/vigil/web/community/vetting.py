"""Who is inside the hub. Checked in every hub, community and training view, after the route
rules (vigil.web.access) have made sure the person signed in with two factors.

An approved member (HubMember) or a hub admin (the agency role) is inside. Anyone else, signed
in or not yet approved, is sent to the membership request page and sees nothing else of the hub.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from vigil.records.accounts.models import Role
from vigil.records.community.models import HubMember
from vigil.web.access import AnyUser, roles_of

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
JOIN_ROUTE = "community_join"


def is_hub_admin(user: AnyUser) -> bool:
    return Role.HUB_ADMIN in roles_of(user)


def is_hub_member(user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cached: bool | None = getattr(user, "_vigil_hub_member", None)
    if cached is None:
        cached = is_hub_admin(user) or HubMember.objects.filter(user_id=user.pk).exists()
        user._vigil_hub_member = cached  # type: ignore[attr-defined]
    return cached


def member_required(view: View) -> View:
    """Only approved members (and hub admins) get past; others go to the request page."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_hub_member(request.user):
            return redirect(JOIN_ROUTE)
        return view(request, *args, **kwargs)

    return guarded  # type: ignore[return-value]


def hub_admin_required(view: View) -> View:
    """Hub admins only; a member gets 403, anyone else still only the request page."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_hub_member(request.user):
            return redirect(JOIN_ROUTE)
        if not is_hub_admin(request.user):
            raise PermissionDenied("hub admins only")
        return view(request, *args, **kwargs)

    return guarded  # type: ignore[return-value]
