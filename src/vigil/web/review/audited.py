"""Every look at an item or its media goes to the audit log, refusals included."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from vigil.audit.log import record
from vigil.records.cases.models import Item
from vigil.web.access import Action, item_for


def item_or_refuse(
    request: HttpRequest, item_id: int, *, event: str, purpose: str, action: Action = Action.VIEW
) -> Item:
    """The item if the user may `action` it; otherwise the refusal is logged and raised."""
    try:
        return item_for(request.user, item_id, action)
    except (Http404, PermissionDenied):
        # The log may name the case; the person refused learns nothing from it.
        case_name = Item.objects.filter(pk=item_id).values_list("case__name", flat=True).first()
        record(
            event,
            actor=_actor(request),
            outcome="refused",
            case_name=case_name,
            item_id=item_id,
            purpose=purpose,
        )
        raise


def log_view(
    request: HttpRequest,
    item: Item,
    *,
    event: str,
    purpose: str,
    outcome: str = "ok",
    details: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=_actor(request),
        outcome=outcome,
        case_name=item.case.name,
        item_id=item.pk,
        purpose=purpose,
        details=details,
    )


def _actor(request: HttpRequest) -> str:
    return request.user.get_username() if request.user.is_authenticated else "anonymous"
