"""Every chat view checks the case through vigil.web.access and leaves an audit entry, refusals
included, like the item and media views. Entries name ids and counts, never message text."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from vigil.audit.log import record
from vigil.records.cases.models import Case
from vigil.records.chats.models import Conversation
from vigil.web.access import Action, case_for

PURPOSE = "review: chats"


def chat_case(
    request: HttpRequest,
    case_id: int,
    *,
    event: str,
    purpose: str = PURPOSE,
    action: Action = Action.VIEW,
) -> Case:
    """The case if the user may `action` in it; otherwise the refusal is logged and raised."""
    try:
        return case_for(request.user, case_id, action)
    except (Http404, PermissionDenied):
        # The log may name the case; the person refused learns nothing from it.
        name = Case.objects.filter(pk=case_id).values_list("name", flat=True).first()
        record(event, actor=actor(request), outcome="refused", case_name=name, purpose=purpose)
        raise


def conversation_of(case: Case, conversation_id: int) -> Conversation:
    """A conversation of this case only; one of another case is as absent as a missing one."""
    conversation = (
        Conversation.objects.select_related("export__item")
        .filter(pk=conversation_id, case=case)
        .first()
    )
    if conversation is None:
        raise Http404("no such conversation in this case")
    return conversation


def log(
    request: HttpRequest,
    case: Case,
    event: str,
    *,
    purpose: str = PURPOSE,
    outcome: str = "ok",
    details: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=actor(request),
        outcome=outcome,
        case_name=case.name,
        purpose=purpose,
        details=details,
    )


def actor(request: HttpRequest) -> str:
    return request.user.get_username() if request.user.is_authenticated else "anonymous"
