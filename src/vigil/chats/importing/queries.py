"""What the chat views (and the CLI) read: full-text search, timeline, contact graph, entity
table and "seen in other cases". Every function is bounded to the cases it is given: callers
pass the cases the user may see, and nothing from another case comes back."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Max, Min, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate

from vigil.records.cases.models import Case
from vigil.records.chats.models import Conversation, Entity, EntityMention, Message

_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\S+)')
# C0, DEL and C1: a NUL ends FTS5's string early ("unterminated string") and PostgreSQL refuses
# it in any text, and no message is searched for by a control character anyway.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def search_messages(case: Case, query: str) -> QuerySet[Message]:
    """Messages of the case matching every word (or "quoted phrase") of the query, oldest first:
    SQLite FTS5 on the embedded database, PostgreSQL full text on PostgreSQL."""
    messages = Message.objects.filter(conversation__case=case)
    if not query.strip():
        return messages.none()
    if connection.vendor == "sqlite":
        match = fts5_query(query)
        if not match:
            return messages.none()
        hits = RawSQL(
            "SELECT rowid FROM chats_message_fts WHERE chats_message_fts MATCH %s", [match]
        )
        messages = messages.filter(pk__in=hits)
    elif connection.vendor == "postgresql":
        tsquery = postgresql_tsquery(query)
        if not tsquery:
            return messages.none()
        matches = RawSQL(
            "to_tsvector('simple', chats_message.text) @@ to_tsquery('simple', %s)",
            [tsquery],
            output_field=BooleanField(),
        )
        messages = messages.annotate(matches=matches).filter(matches=True)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        for word in query.split():
            messages = messages.filter(text__icontains=word)
    return messages.select_related("sender", "conversation").order_by("sent_at", "pk")


def fts5_query(query: str) -> str:
    """A safe FTS5 expression: each word or phrase quoted (so no operator from the user's text
    is ever interpreted), all required; a trailing * keeps its prefix meaning."""
    parts = []
    for phrase, word in _PHRASE_OR_WORD.findall(without_controls(query)):
        text = phrase or word
        prefix = bool(word) and word.endswith("*") and len(word) > 1
        text = text.rstrip("*") if prefix else text
        if text.strip():
            parts.append('"' + text.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts)


def postgresql_tsquery(query: str) -> str:
    """The same reading as `fts5_query` for PostgreSQL: every word a quoted lexeme (never an
    operator), a "phrase" as lexemes in sequence (<->), a trailing * a prefix (:*), all
    required (&)."""
    parts = []
    for phrase, word in _PHRASE_OR_WORD.findall(without_controls(query)):
        prefix = bool(word) and word.endswith("*") and len(word) > 1
        words = (phrase or word.rstrip("*") if prefix else phrase or word).split()
        lexemes = [_lexeme(text) for text in words if text.strip()]
        if lexemes:
            parts.append(" <-> ".join(lexemes) + (":*" if prefix else ""))
    return " & ".join(f"({part})" for part in parts)


def without_controls(query: str) -> str:
    """The text with control characters dropped; a tab, newline and the like still part words."""
    return _CONTROL.sub(lambda found: " " if found.group().isspace() else "", query)


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def timeline(case: Case, conversation: Conversation | None = None) -> list[dict[str, Any]]:
    """Messages per UTC day and sender: [{day, participant, name, messages}], oldest first."""
    messages = Message.objects.filter(conversation__case=case, sent_at__isnull=False)
    if conversation is not None:
        messages = messages.filter(conversation=conversation)
    rows = (
        messages.annotate(day=TruncDate("sent_at"))
        .values("day", "sender_id", "sender__display_name")
        .annotate(messages=Count("pk"))
        .order_by("day", "sender_id")
    )
    return [
        {
            "day": row["day"],
            "participant": row["sender_id"],
            "name": row["sender__display_name"] or "",
            "messages": row["messages"],
        }
        for row in rows
    ]


def contact_graph(case: Case) -> dict[str, list[dict[str, Any]]]:
    """Participants linked by the conversations they write in, and the entities two or more of
    them mention (the same wallet, phone number or site): {nodes, edges}."""
    per_conversation: dict[int, set[int]] = defaultdict(set)
    sent: dict[int, int] = defaultdict(int)
    rows = (
        Message.objects.filter(conversation__case=case, sender__isnull=False)
        .values("conversation_id", "sender_id")
        .annotate(messages=Count("pk"))
    )
    for row in rows:
        per_conversation[row["conversation_id"]].add(row["sender_id"])
        sent[row["sender_id"]] += row["messages"]
    together: dict[tuple[int, int], int] = defaultdict(int)
    for members in per_conversation.values():
        ordered = sorted(members)
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                together[(first, second)] += 1
    mentions = (
        EntityMention.objects.filter(case=case, message__sender__isnull=False)
        .values("entity_id", "message__sender_id")
        .annotate(count=Count("pk"))
    )
    by_entity: dict[int, dict[int, int]] = defaultdict(dict)
    for mention in mentions:
        by_entity[mention["entity_id"]][mention["message__sender_id"]] = mention["count"]
    shared = {entity: people for entity, people in by_entity.items() if len(people) >= 2}
    from vigil.records.chats.models import Participant

    participants = Participant.objects.filter(case=case, pk__in=list(sent)).values(
        "pk", "display_name", "platform", "platform_id"
    )
    nodes: list[dict[str, Any]] = [
        {
            "id": f"p{row['pk']}",
            "type": "participant",
            "label": row["display_name"] or row["platform_id"],
            "platform": row["platform"],
            "messages": sent[row["pk"]],
        }
        for row in participants
    ]
    entities = Entity.objects.filter(pk__in=list(shared)).values("pk", "kind", "value")
    nodes += [
        {"id": f"e{row['pk']}", "type": "entity", "label": row["value"], "kind": row["kind"]}
        for row in entities
    ]
    edges: list[dict[str, Any]] = [
        {"source": f"p{a}", "target": f"p{b}", "type": "conversation", "weight": weight}
        for (a, b), weight in sorted(together.items())
    ]
    edges += [
        {"source": f"p{person}", "target": f"e{entity}", "type": "mentions", "weight": count}
        for entity, people in sorted(shared.items())
        for person, count in sorted(people.items())
    ]
    return {"nodes": nodes, "edges": edges}


def entity_table(
    case: Case,
    *,
    kind: str | None = None,
    contains: str | None = None,
    visible_case_ids: Collection[int] = (),
) -> list[dict[str, Any]]:
    """Entities of the case with their counts and first/last time, most mentioned first; with
    `visible_case_ids`, also in how many of those other cases each one appears."""
    mentions = EntityMention.objects.filter(case=case)
    if kind:
        mentions = mentions.filter(entity__kind=kind)
    if contains:
        mentions = mentions.filter(entity__value__icontains=contains)
    rows = list(
        mentions.values("entity_id", "entity__kind", "entity__value", "entity__details")
        .annotate(
            mentions=Count("pk"),
            messages=Count("message_id", distinct=True),
            participants=Count("message__sender_id", distinct=True),
            first_seen=Min("message__sent_at"),
            last_seen=Max("message__sent_at"),
        )
        .order_by("-mentions", "entity__kind", "entity__value")
    )
    elsewhere = _other_case_counts([row["entity_id"] for row in rows], case, visible_case_ids)
    return [
        {
            "entity": row["entity_id"],
            "kind": row["entity__kind"],
            "value": row["entity__value"],
            "details": row["entity__details"],
            "mentions": row["mentions"],
            "messages": row["messages"],
            "participants": row["participants"],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
            "other_cases": elsewhere.get(row["entity_id"], 0),
        }
        for row in rows
    ]


def seen_in_other_cases(
    entity: Entity, visible_case_ids: Collection[int], *, exclude_case: Case | None = None
) -> list[dict[str, Any]]:
    """The other cases, among those the user may see, that mention this entity."""
    mentions = EntityMention.objects.filter(entity=entity, case_id__in=list(visible_case_ids))
    if exclude_case is not None:
        mentions = mentions.exclude(case=exclude_case)
    rows = (
        mentions.values("case_id", "case__name")
        .annotate(mentions=Count("pk"), last_seen=Max("message__sent_at"))
        .order_by("case__name")
    )
    return [
        {
            "case": row["case_id"],
            "name": row["case__name"],
            "mentions": row["mentions"],
            "last_seen": row["last_seen"],
        }
        for row in rows
    ]


def _other_case_counts(
    entity_ids: list[int], case: Case, visible_case_ids: Collection[int]
) -> dict[int, int]:
    others = [case_id for case_id in visible_case_ids if case_id != case.pk]
    if not entity_ids or not others:
        return {}
    counts: dict[int, int] = {}
    for start in range(0, len(entity_ids), 500):
        rows = (
            EntityMention.objects.filter(entity_id__in=entity_ids[start : start + 500])
            .filter(Q(case_id__in=others))
            .values("entity_id")
            .annotate(cases=Count("case_id", distinct=True))
        )
        counts.update({row["entity_id"]: row["cases"] for row in rows})
    return counts


def conversation_messages(conversation: Conversation) -> QuerySet[Message]:
    """A conversation in reading order, with what the reader shows beside each message."""
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("sender")
        .prefetch_related("attachments", "mentions__entity")
        .order_by("sent_at", "pk")
    )
