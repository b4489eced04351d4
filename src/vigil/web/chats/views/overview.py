"""The case's chats as a whole: timeline, contact graph and entities (with "seen in other
cases", only among the cases the user is a member of)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from vigil.chats.importing.queries import (
    contact_graph,
    entity_table,
    seen_in_other_cases,
    timeline,
    without_controls,
)
from vigil.records.cases.models import Case
from vigil.records.chats.models import Conversation, Entity, EntityMention
from vigil.web.access import visible_cases
from vigil.web.chats.views.audited import chat_case, conversation_of, log
from vigil.web.chats.views.timeline_chart import timeline_chart
from vigil.web.converters import parse_id

MAX_GRAPH_PARTICIPANTS = 300  # a force layout of more is unreadable and slow in the browser
MAX_ENTITY_ROWS = 1000
MAX_ENTITY_MESSAGES = 200


@require_GET
def chat_timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    case = chat_case(request, case_id, event="chat.timeline")
    conversation = _chosen_conversation(request, case)
    chart = timeline_chart(timeline(case, conversation))
    log(
        request,
        case,
        "chat.timeline",
        details={"conversation": conversation.pk if conversation else None},
    )
    context = {
        "case": case,
        "chart": chart,
        "conversation": conversation,
        "conversations": _conversation_choices(case),
    }
    return render(request, "chats/timeline.html", context)


@require_GET
def chat_graph(request: HttpRequest, case_id: int) -> HttpResponse:
    case = chat_case(request, case_id, event="chat.graph")
    graph, left_out = bounded_graph(contact_graph(case))
    for node in graph["nodes"]:
        if node["type"] == "entity":
            entity_id = int(node["id"].removeprefix("e"))
            node["url"] = reverse(
                "chat_entity", kwargs={"case_id": case.pk, "entity_id": entity_id}
            )
    log(
        request,
        case,
        "chat.graph",
        details={"nodes": len(graph["nodes"]), "edges": len(graph["edges"])},
    )
    context = {"case": case, "graph": graph, "left_out": left_out}
    return render(request, "chats/graph.html", context)


def bounded_graph(graph: dict[str, list[dict[str, Any]]]) -> tuple[dict[str, Any], int]:
    """The graph's most active participants only (and the entities and edges among them), and
    how many participants were left out."""
    people = [n for n in graph["nodes"] if n["type"] == "participant"]
    if len(people) <= MAX_GRAPH_PARTICIPANTS:
        return graph, 0
    people.sort(key=lambda node: -node["messages"])
    kept = {node["id"] for node in people[:MAX_GRAPH_PARTICIPANTS]}
    edges = [e for e in graph["edges"] if e["source"] in kept and e["target"].startswith("e")]
    edges += [e for e in graph["edges"] if e["source"] in kept and e["target"] in kept]
    kept |= {edge["target"] for edge in edges}
    nodes = [node for node in graph["nodes"] if node["id"] in kept]
    return {"nodes": nodes, "edges": edges}, len(people) - MAX_GRAPH_PARTICIPANTS


@require_GET
def chat_entities(request: HttpRequest, case_id: int) -> HttpResponse:
    case = chat_case(request, case_id, event="chat.entities")
    kind = without_controls(request.GET.get("kind", "")).strip()[:16]
    contains = without_controls(request.GET.get("q", "")).strip()[:200]
    conversation = _chosen_conversation(request, case)
    rows = entity_table(
        case, kind=kind or None, contains=contains or None, visible_case_ids=_visible_ids(request)
    )
    if conversation is not None:
        there = set(
            EntityMention.objects.filter(case=case, message__conversation=conversation)
            .values_list("entity_id", flat=True)
            .distinct()
        )
        rows = [row for row in rows if row["entity"] in there]
    log(
        request,
        case,
        "chat.entities",
        details={"rows": len(rows), "filtered": bool(kind or contains or conversation)},
    )
    context = {
        "case": case,
        "rows": rows[:MAX_ENTITY_ROWS],
        "total": len(rows),
        "limit": MAX_ENTITY_ROWS,
        "kinds": EntityMention.objects.filter(case=case)
        .values_list("entity__kind", flat=True)
        .distinct()
        .order_by("entity__kind"),
        "kind": kind,
        "q": contains,
        "conversation": conversation,
        "conversations": _conversation_choices(case),
    }
    return render(request, "chats/entities.html", context)


@require_GET
def chat_entity(request: HttpRequest, case_id: int, entity_id: int) -> HttpResponse:
    """One entity: the messages of this case that mention it, and the other cases (of those the
    user is a member of) that do too. An entity this case never mentions does not exist here."""
    case = chat_case(request, case_id, event="chat.entity")
    entity = Entity.objects.filter(pk=entity_id, mentions__case=case).distinct().first()
    if entity is None:
        raise Http404("no such entity in this case")
    mentions = (
        EntityMention.objects.filter(case=case, entity=entity)
        .select_related("message__sender", "message__conversation")
        .order_by("message__sent_at", "message_id")
    )
    total = mentions.count()
    elsewhere = seen_in_other_cases(entity, _visible_ids(request), exclude_case=case)
    log(
        request,
        case,
        "chat.entity",
        details={"entity": entity.pk, "mentions": total, "other_cases": len(elsewhere)},
    )
    context = {
        "case": case,
        "entity": entity,
        "mentions": mentions[:MAX_ENTITY_MESSAGES],
        "total": total,
        "limit": MAX_ENTITY_MESSAGES,
        "elsewhere": elsewhere,
    }
    return render(request, "chats/entity.html", context)


def _visible_ids(request: HttpRequest) -> list[int]:
    return list(visible_cases(request.user).values_list("pk", flat=True))


def _chosen_conversation(request: HttpRequest, case: Case) -> Conversation | None:
    value = request.GET.get("conversation", "")
    if not value:
        return None
    conversation_id = parse_id(value)
    if conversation_id is None:
        raise Http404("no such conversation in this case")
    return conversation_of(case, conversation_id)


def _conversation_choices(case: Case) -> list[tuple[int, str]]:
    rows = Conversation.objects.filter(case=case).order_by("title", "pk")
    return [(row.pk, str(row)) for row in rows.only("pk", "platform", "title", "platform_id")]
