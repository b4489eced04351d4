"""DiscordChatExporter JSON: `guild`, `channel`, `dateRange`, `exportedAt`, then `messages[]`,
and `messageCount` written last. A file cut short (the exporter or the copy died) lacks the
count and ends mid-message: every complete message before the cut is still imported."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from vigil.chats.jsonstream import Opener, iter_items, parse_time, read_header, without_bom
from vigil.chats.paths import safe_relative_path
from vigil.chats.records import (
    AttachmentRef,
    AttachmentStatus,
    ChatEvent,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    ParticipantRecord,
    Platform,
    with_attachment_warnings,
)

_CONVERSATION_TYPES = frozenset({"Default", "Reply"})
_MESSAGE_COUNT = re.compile(rb'"messageCount"\s*:\s*(\d+)\s*}\s*$')
_TAIL_BYTES = 256


def read_discord(open_export: Opener) -> Iterator[ChatEvent]:
    header, _ = read_header(open_export, frozenset({"messages"}))
    conversation = _conversation(header)
    yield conversation
    errors: list[str] = []
    parsed = 0
    with open_export() as raw:
        for message in iter_items(without_bom(raw), "messages.item", errors):
            if not isinstance(message, dict):
                yield ImportWarning("malformed_message", "a message entry is not a JSON object")
                continue
            parsed += 1
            yield from _message_events(message, conversation.platform_id)
    if errors:
        yield from (ImportWarning("truncated", error) for error in errors)
        return
    declared = _declared_count(open_export)
    if declared is None:
        yield ImportWarning("no_message_count", "the export does not end with its messageCount")
    elif declared != parsed:
        yield ImportWarning(
            "message_count_differs",
            f"the export declares {declared} messages and holds {parsed}",
        )


def _conversation(header: dict[str, Any]) -> ConversationRecord:
    guild = header.get("guild") if isinstance(header.get("guild"), dict) else {}
    channel = header.get("channel") if isinstance(header.get("channel"), dict) else {}
    assert isinstance(guild, dict) and isinstance(channel, dict)
    details = {
        "guild_id": str(guild.get("id") or ""),
        "guild": str(guild.get("name") or ""),
        "category": str(channel.get("category") or ""),
        "topic": str(channel.get("topic") or ""),
        "exported_at": str(header.get("exportedAt") or ""),
        "date_range": header.get("dateRange") or {},
    }
    return ConversationRecord(
        platform=Platform.DISCORD,
        platform_id=str(channel.get("id") or ""),
        title=str(channel.get("name") or ""),
        kind=str(channel.get("type") or ""),
        details={key: value for key, value in details.items() if value},
    )


def _message_events(raw: dict[str, Any], channel_id: str) -> Iterator[ChatEvent]:
    message = parse_message(raw, channel_id)
    yield from with_attachment_warnings(message)


def parse_message(raw: dict[str, Any], channel_id: str) -> MessageRecord:
    message_type = str(raw.get("type") or "Default")
    is_service = message_type not in _CONVERSATION_TYPES
    reference = raw.get("reference") if isinstance(raw.get("reference"), dict) else None
    details: dict[str, Any] = {}
    if raw.get("isPinned"):
        details["pinned"] = True
    ended = parse_time(raw.get("callEndedTimestamp"))
    if ended is not None:
        details["call_ended_at"] = ended.isoformat()
    reactions = [
        {
            "emoji": str((reaction.get("emoji") or {}).get("name") or ""),
            "count": reaction.get("count"),
        }
        for reaction in raw.get("reactions") or []
        if isinstance(reaction, dict)
    ]
    if reactions:
        details["reactions"] = reactions
    reply_to = ""
    if reference is not None:
        reply_to = str(reference.get("messageId") or "")
        if reference.get("channelId") and str(reference["channelId"]) != channel_id:
            details["reply_channel"] = str(reference["channelId"])
    return MessageRecord(
        platform_id=str(raw.get("id") or ""),
        sent_at=parse_time(raw.get("timestamp")),
        sender=_author(raw.get("author")),
        text=str(raw.get("content") or ""),
        is_service=is_service,
        service_action=message_type if is_service else "",
        reply_to=reply_to,
        edited_at=parse_time(raw.get("timestampEdited")),
        attachments=[*_attachments(raw), *_stickers(raw)],
        details=details,
    )


def _author(raw: Any) -> ParticipantRecord | None:
    if not isinstance(raw, dict) or not raw.get("id"):
        return None
    name = str(raw.get("name") or "")
    discriminator = str(raw.get("discriminator") or "")
    # Discord dropped discriminators in 2023; "0000" and "0" mean none.
    username = f"{name}#{discriminator}" if discriminator.strip("0") else name
    return ParticipantRecord(
        platform_id=str(raw["id"]),
        name=str(raw.get("nickname") or name),
        is_bot=bool(raw.get("isBot")),
        username=username,
    )


def _attachments(raw: dict[str, Any]) -> Iterator[AttachmentRef]:
    for item in raw.get("attachments") or []:
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or "")
        attachment = AttachmentRef(
            kind="attachment",
            status=AttachmentStatus.REMOTE,
            file_name=str(item.get("fileName") or ""),
            size=item["fileSizeBytes"] if isinstance(item.get("fileSizeBytes"), int) else None,
        )
        if "://" in url:
            attachment.url = url
        # Exported with --media: a path next to the JSON, url-encoded, so decoded before the
        # check (an encoded "%2e%2e/" is a way out too).
        elif (safe := safe_relative_path(unquote(url))) is None:
            attachment.status, attachment.path = AttachmentStatus.REJECTED, url
        else:
            attachment.status, attachment.path = AttachmentStatus.IN_EXPORT, safe
        yield attachment


def _stickers(raw: dict[str, Any]) -> Iterator[AttachmentRef]:
    for sticker in raw.get("stickers") or []:
        if isinstance(sticker, dict):
            yield AttachmentRef(
                kind="sticker",
                status=AttachmentStatus.REMOTE,
                file_name=str(sticker.get("name") or ""),
                url=str(sticker.get("sourceUrl") or ""),
            )


def _declared_count(open_export: Opener) -> int | None:
    with open_export() as raw:
        try:
            raw.seek(-_TAIL_BYTES, os.SEEK_END)
        except OSError:
            raw.seek(0)
        match = _MESSAGE_COUNT.search(raw.read())
    return int(match.group(1)) if match else None
