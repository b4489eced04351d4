"""Telegram Desktop JSON exports (result.json): one chat (`name`, `type`, `id`, `messages`) or
the full account export (`chats.list[]`, `left_chats.list[]`), streamed message by message.

Times: `date_unixtime` is UTC; `date` alone is the exporting computer's local clock time, kept
and flagged. Text is a string or a list of strings and entity objects ({type, text, href}).
Attachments (`photo`, `file`) are paths relative to the export folder, or a placeholder in
parentheses when the exporter left the file out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import ijson
from ijson.common import ObjectBuilder

from vigil.chats.jsonstream import JSON_ERRORS, Opener, from_unix, iter_items, read_header
from vigil.chats.jsonstream import without_bom as _without_bom
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

_CHAT_LISTS = ("chats.list.item", "left_chats.list.item")
_DETAIL_KEYS = (
    "duration_seconds",
    "discard_reason",
    "members",
    "title",
    "media_type",
    "mime_type",
    "sticker_emoji",
    "via_bot",
    "saved_from",
    "reply_to_peer_id",
    "location_information",
    "contact_information",
)


def read_telegram(open_export: Opener) -> Iterator[ChatEvent]:
    header, stopped = read_header(open_export, frozenset({"messages", "chats", "left_chats"}))
    if stopped == "messages":
        yield _conversation(header)
        errors: list[str] = []
        with open_export() as raw:
            for message in iter_items(_without_bom(raw), "messages.item", errors):
                yield from _message_events(message)
        yield from (ImportWarning("truncated", error) for error in errors)
    else:
        yield from _read_full_export(open_export)


def _read_full_export(open_export: Opener) -> Iterator[ChatEvent]:
    """Several chats in one file: events, since each chat's header precedes its messages."""
    chat: dict[str, Any] = {}
    builder: ObjectBuilder | None = None
    with open_export() as raw:
        try:
            for prefix, event, value in ijson.parse(_without_bom(raw), use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if event == "end_map" and prefix.endswith(".messages.item"):
                        yield from _message_events(builder.value)
                        builder = None
                    continue
                base, _, key = prefix.rpartition(".")
                if base in _CHAT_LISTS and key in ("name", "type", "id"):
                    chat[key] = value
                elif prefix in _CHAT_LISTS and event == "start_map":
                    chat = {}
                elif key == "messages" and base in _CHAT_LISTS and event == "start_array":
                    yield _conversation(chat, left=base.startswith("left_chats"))
                elif event == "start_map" and prefix.endswith(".messages.item"):
                    builder = ObjectBuilder()
                    builder.event(event, value)
        except JSON_ERRORS:
            yield ImportWarning("truncated", "the file ends in the middle of the JSON (truncated)")


def _conversation(header: dict[str, Any], *, left: bool = False) -> ConversationRecord:
    details = {"left": True} if left else {}
    return ConversationRecord(
        platform=Platform.TELEGRAM,
        platform_id=str(header.get("id", "")),
        title=str(header.get("name") or ""),
        kind=str(header.get("type") or ""),
        details=details,
    )


def _message_events(raw: Any) -> Iterator[ChatEvent]:
    if not isinstance(raw, dict):
        yield ImportWarning("malformed_message", "a message entry is not a JSON object")
        return
    message = parse_message(raw)
    yield from with_attachment_warnings(message)


def parse_message(raw: dict[str, Any]) -> MessageRecord:
    message_id = str(raw.get("id", ""))
    sent_at, local = _sent_at(raw)
    is_service = raw.get("type") != "message"
    text, links = flatten_text(raw.get("text"))
    details = {key: raw[key] for key in _DETAIL_KEYS if raw.get(key) not in (None, "", [])}
    edited_at = from_unix(raw.get("edited_unixtime"))
    if edited_at is None and raw.get("edited"):
        details["edited_local"] = str(raw["edited"])
    reply = raw.get("reply_to_message_id")
    return MessageRecord(
        platform_id=message_id,
        sent_at=sent_at,
        time_is_local=local,
        sender=_sender(raw, is_service),
        text=text,
        is_service=is_service,
        service_action=str(raw.get("action") or ("unsupported" if is_service else "")),
        reply_to=str(reply) if reply is not None else "",
        forwarded_from=str(raw.get("forwarded_from") or ""),
        forwarded_from_id=str(raw.get("forwarded_from_id") or ""),
        edited_at=edited_at,
        link_targets=links,
        attachments=list(_attachments(raw)),
        details=details,
    )


def flatten_text(value: Any) -> tuple[str, list[str]]:
    """The visible text, and the URLs hidden behind text_link entities."""
    if isinstance(value, str):
        return value, []
    if not isinstance(value, list):
        return "", []
    parts: list[str] = []
    links: list[str] = []
    for piece in value:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, dict):
            parts.append(str(piece.get("text") or ""))
            if piece.get("type") == "text_link" and piece.get("href"):
                links.append(str(piece["href"]))
    return "".join(parts), links


def _sent_at(raw: dict[str, Any]) -> tuple[datetime | None, bool]:
    moment = from_unix(raw.get("date_unixtime"))
    if moment is not None:
        return moment, False
    local = raw.get("date")
    if isinstance(local, str):
        try:
            naive = datetime.fromisoformat(local)
        except ValueError:
            return None, False
        if naive.tzinfo is None:
            return naive.replace(tzinfo=UTC), True
        return naive, False
    return None, False


def _sender(raw: dict[str, Any], is_service: bool) -> ParticipantRecord | None:
    key_id, key_name = ("actor_id", "actor") if is_service else ("from_id", "from")
    platform_id = raw.get(key_id)
    name = raw.get(key_name)
    if platform_id in (None, "") and not name:
        return None
    # Old exports lack from_id; the name is then the only handle, marked as such.
    return ParticipantRecord(
        platform_id=str(platform_id) if platform_id not in (None, "") else f"name:{name}",
        name=str(name or ""),
    )


def _attachments(raw: dict[str, Any]) -> Iterator[AttachmentRef]:
    for key in ("photo", "file"):
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            continue
        attachment = AttachmentRef(
            kind="photo" if key == "photo" else str(raw.get("media_type") or "file"),
            status=AttachmentStatus.IN_EXPORT,
            file_name=str(raw.get("file_name") or ""),
            mime=str(raw.get("mime_type") or ""),
            size=raw["file_size"] if isinstance(raw.get("file_size"), int) else None,
        )
        if value.startswith("(") and value.endswith(")"):
            attachment.status = AttachmentStatus.NOT_INCLUDED
        elif (safe := safe_relative_path(value)) is None:
            attachment.status, attachment.path = AttachmentStatus.REJECTED, value
        else:
            attachment.path = safe
        yield attachment
