"""A small synthetic conversation built straight into a seeded case, for the chat view tests
and for the authorisation matrix (tests/web/test_access_matrix.py), which must reach every
chat route with real objects of its case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.web.personas import SeededCase


@dataclass
class SeededChat:
    conversation: Any
    entity: Any
    messages: list[Any]


def seed_chat(seeded: SeededCase, *, entity_value: str) -> SeededChat:
    """One Telegram conversation of three messages in the seeded case: its first item is the
    export file, its second a photo attached to a message; `entity_value` a wallet mentioned
    by both participants (the same value in several cases makes "seen in other cases")."""
    from vigil.records.chats.models import (
        Attachment,
        ChatExport,
        Conversation,
        Entity,
        EntityMention,
        Message,
        Participant,
    )

    case = seeded.case
    export = ChatExport.objects.create(
        case=case, item=seeded.items[0], platform="telegram", status="complete", messages=3
    )
    conversation = Conversation.objects.create(
        case=case,
        export=export,
        platform="telegram",
        platform_id="4242",
        title="Harbour deal",
        kind="personal_chat",
        message_count=3,
        first_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
        last_at=datetime(2024, 3, 2, 18, 30, tzinfo=UTC),
    )
    alice, bob = (
        Participant.objects.create(
            case=case, platform="telegram", platform_id=pid, display_name=name
        )
        for pid, name in (("user111", "Alice"), ("user222", "Bob"))
    )
    entity, _ = Entity.objects.get_or_create(kind="bitcoin", value=entity_value)
    first_text = f"Meet at the harbour, pay to {entity_value}"
    messages = [
        Message.objects.create(
            conversation=conversation,
            platform_id="1",
            sent_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
            sender=alice,
            text=first_text,
        ),
        Message.objects.create(
            conversation=conversation,
            platform_id="2",
            sent_at=datetime(2024, 3, 1, 9, 5, tzinfo=UTC),
            sender=bob,
            reply_to="1",
            edited_at=datetime(2024, 3, 1, 9, 6, tzinfo=UTC),
        ),
        Message.objects.create(
            conversation=conversation,
            platform_id="3",
            sent_at=datetime(2024, 3, 2, 18, 30, tzinfo=UTC),
            time_is_local=True,
            sender=bob,
            text=f"Sent to {entity_value} as agreed",
            forwarded_from="Carol",
        ),
    ]
    Attachment.objects.create(
        message=messages[1],
        kind="photo",
        status="linked",
        path="photos/photo_1.jpg",
        file_name="photo_1.jpg",
        item=seeded.items[1],
    )
    start = first_text.index(entity_value)
    EntityMention.objects.create(
        entity=entity,
        message=messages[0],
        case=case,
        start=start,
        end=start + len(entity_value),
    )
    third = messages[2].text.index(entity_value)
    EntityMention.objects.create(
        entity=entity, message=messages[2], case=case, start=third, end=third + len(entity_value)
    )
    return SeededChat(conversation, entity, messages)


_CHATS: dict[int, SeededChat] = {}


def chat_route_samples(seeded: SeededCase) -> dict[str, Any]:
    """The chat routes' URL arguments, in a conversation of the matrix's case (made once)."""
    chat = _CHATS.get(seeded.case.pk)
    if chat is None:
        chat = _CHATS[seeded.case.pk] = seed_chat(
            seeded, entity_value=f"1MatrixWallet{seeded.case.pk}"
        )
    return {"conversation_id": chat.conversation.pk, "entity_id": chat.entity.pk}
