"""The conversations of a case and the reader: one conversation in order, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vigil.chats.importing.queries import (
    conversation_messages,
    search_messages,
    without_controls,
)
from vigil.chats.importing.watchlists import WATCHLIST_TOOL
from vigil.records.analysis.models import Suggestion
from vigil.records.chats.models import Conversation, Entity, Message
from vigil.web.access import Action, can
from vigil.web.chats.views.audited import chat_case, conversation_of, log
from vigil.web.converters import parse_id

PAGE_SIZE = 200
MAX_SEARCH_RESULTS = 500


@require_GET
def chat_list(request: HttpRequest, case_id: int) -> HttpResponse:
    case = chat_case(request, case_id, event="chat.list")
    conversations = (
        Conversation.objects.filter(case=case)
        .select_related("export__item")
        .annotate(senders=Count("msgs__sender", distinct=True))
        .order_by(F("last_at").desc(nulls_last=True), "pk")
    )
    log(request, case, "chat.list", details={"conversations": len(conversations)})
    return render(request, "chats/list.html", {"case": case, "conversations": conversations})


@dataclass
class Segment:
    text: str
    entity: Entity | None = None


@dataclass
class ReaderMessage:
    message: Message
    segments: list[Segment]
    other_entities: list[Entity] = field(default_factory=list)  # behind the text (link targets)
    suggestions: list[dict[str, Any]] = field(default_factory=list)


@require_GET
def chat_conversation(request: HttpRequest, case_id: int, conversation_id: int) -> HttpResponse:
    case = chat_case(request, case_id, event="chat.read")
    conversation = conversation_of(case, conversation_id)
    query = without_controls(request.GET.get("q", "")).strip()[:500]
    start = _message_id(request.GET.get("start", ""))
    messages = _page_from(conversation, start)
    rows = list(messages[: PAGE_SIZE + 1])
    next_start = rows[PAGE_SIZE].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    results: list[Message] = []
    if query:
        results = list(
            search_messages(case, query).filter(conversation=conversation)[:MAX_SEARCH_RESULTS]
        )
    log(
        request,
        case,
        "chat.read",
        details={
            "conversation": conversation.pk,
            "start": start,
            "messages": len(rows),
            "searched": bool(query),
            "results": len(results),
        },
    )
    context = {
        "case": case,
        "conversation": conversation,
        "messages": _reader_messages(case.pk, conversation, rows),
        "next_start": next_start,
        "paged": start is not None,
        "query": query,
        "results": results,
        "max_results": MAX_SEARCH_RESULTS,
        "can_decide": can(request.user, Action.CATEGORISE),
        "can_export": can(request.user, Action.EXPORT),
    }
    return render(request, "chats/conversation.html", context)


def _message_id(value: str) -> int | None:
    if not value:
        return None
    message_id = parse_id(value)
    if message_id is None:
        raise Http404("no such message")
    return message_id


def _page_from(conversation: Conversation, start: int | None) -> QuerySet[Message]:
    """The conversation in order (undated messages first, on every database) from message
    `start` on: keyset paging by (sent_at, pk), so a deep page costs what the first one does."""
    ordered = conversation_messages(conversation).prefetch_related("attachments__item__blob")
    ordered = ordered.order_by(F("sent_at").asc(nulls_first=True), "pk")
    if start is None:
        return ordered
    first = Message.objects.filter(pk=start, conversation=conversation).first()
    if first is None:
        raise Http404("no such message in this conversation")
    if first.sent_at is None:
        return ordered.filter(Q(sent_at__isnull=True, pk__gte=first.pk) | Q(sent_at__isnull=False))
    return ordered.filter(Q(sent_at__gt=first.sent_at) | Q(sent_at=first.sent_at, pk__gte=first.pk))


def _reader_messages(
    case_id: int, conversation: Conversation, rows: list[Message]
) -> list[ReaderMessage]:
    suggestions = _watch_suggestions(case_id, conversation, [row.pk for row in rows])
    return [
        ReaderMessage(
            message=row,
            segments=highlighted(row),
            other_entities=[m.entity for m in row.mentions.all() if m.start < 0],
            suggestions=suggestions.get(row.pk, []),
        )
        for row in rows
    ]


def highlighted(message: Message) -> list[Segment]:
    """The text cut into plain runs and entity mentions; overlapping or out-of-range spans are
    left unmarked rather than cutting the text wrongly."""
    text = message.text
    spans = sorted(
        (m for m in message.mentions.all() if 0 <= m.start < m.end <= len(text)),
        key=lambda m: (m.start, -m.end),
    )
    segments: list[Segment] = []
    position = 0
    for mention in spans:
        if mention.start < position:
            continue
        if mention.start > position:
            segments.append(Segment(text[position : mention.start]))
        segments.append(Segment(text[mention.start : mention.end], mention.entity))
        position = mention.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def _watch_suggestions(
    case_id: int, conversation: Conversation, message_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Watch-list hits on these messages, each with the latest decision a person made on it."""
    if not message_ids:
        return {}
    hits = (
        Suggestion.objects.filter(
            case_id=case_id,
            tool=WATCHLIST_TOOL,
            data__conversation=conversation.pk,
            data__message__in=message_ids,
        )
        .prefetch_related("decisions__decided_by")
        .order_by("pk")
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for suggestion in hits:
        message_id = suggestion.data.get("message")
        decisions = sorted(suggestion.decisions.all(), key=lambda d: d.decided_at)
        found.setdefault(message_id, []).append(
            {"suggestion": suggestion, "latest": decisions[-1] if decisions else None}
        )
    return found
