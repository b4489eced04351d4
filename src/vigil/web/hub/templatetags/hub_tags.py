"""Template helpers of the hub's pages."""

from __future__ import annotations

from django import template

from vigil.web.access import AnyUser
from vigil.web.community.vetting import is_hub_admin as _is_hub_admin

register = template.Library()


@register.filter
def is_hub_admin(user: AnyUser) -> bool:
    return _is_hub_admin(user)
