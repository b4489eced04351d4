"""Facebook Messenger and Instagram "Download your information" JSON: one file per thread (or
per 10,000 messages of it, `message_1.json`, `message_2.json` ...) with `participants`,
`messages`, then `title`, `is_still_participant`, `thread_type` and `thread_path` after the
messages.

The messages are newest first in the file; they are yielded oldest first, as they were sent,
after the thread (whose title comes last in the file: the file is read in one pass and its
messages held until the end, which Facebook's 10,000-message split keeps small).

Facebook writes its JSON mis-encoded: each byte of the UTF-8 text as a code point of its own
("Ã©" for "é", "ð\\x9f\\x98\\x86" for an emoji). Every string is repaired (encoded as
latin-1, decoded as UTF-8) where that round-trips, and left as written where it does not.

Times are `timestamp_ms`, milliseconds since the epoch, UTC. There are no message ids: a message
is known by its position in the file (1 = the first written, the newest). Senders are known by
their display name only. Attachment `uri`s are relative to the root of the download; those in
the thread's own folder are looked up from the JSON file's folder.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import ijson
from ijson.common import ObjectBuilder

from vigil.chats.jsonstream import JSON_ERRORS, Opener, without_bom
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

_MEDIA_LISTS = (
    ("photos", "photo"),
    ("videos", "video"),
    ("audio_files", "audio"),
    ("gifs", "gif"),
    ("files", "file"),
)
_SERVICE_TYPES = frozenset({"Call", "Subscribe", "Unsubscribe"})
# What Facebook and Instagram show for deleted or deactivated accounts: many people, one name.
_PLACEHOLDER_NAMES = frozenset({"facebook user", "instagram user", "facebook-nutzer", ""})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def repair_text(value: Any) -> str:
    """Facebook's mis-encoded text, repaired where it round-trips; other text as it is."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def read_messenger(open_export: Opener) -> Iterator[ChatEvent]:
    header, raw_messages, damage = _read(open_export)
    if not _is_messenger(header, raw_messages):
        yield ImportWarning(
            "not_messenger",
            "the file is no Messenger or Instagram JSON export (no participants, no messages "
            "with sender_name and timestamp_ms)",
        )
        if damage:
            yield ImportWarning("truncated", damage)
        return
    thread_path = repair_text(header.get("thread_path"))
    conversation = _conversation(header, thread_path, raw_messages)
    yield conversation
    records: list[MessageRecord] = []
    malformed = 0
    for position, raw in enumerate(raw_messages, start=1):
        if not isinstance(raw, dict):
            malformed += 1
            continue
        records.append(parse_message(raw, position, thread_path))
    for record in _in_time_order(records):
        yield from with_attachment_warnings(record)
    if malformed:
        yield ImportWarning("malformed_message", f"{malformed} message entries are not objects")
    if damage:
        yield ImportWarning("truncated", damage)
    if "messages" not in header:
        yield ImportWarning("no_messages", "the export has no messages list")


def _read(open_export: Opener) -> tuple[dict[str, Any], list[Any], str]:
    """The top-level members but `messages`, the messages in file order, and the damage that
    stopped the reading ("" when none)."""
    header: dict[str, Any] = {}
    messages: list[Any] = []
    key = ""
    member: ObjectBuilder | None = None
    item: ObjectBuilder | None = None
    with open_export() as raw:
        events = ijson.parse(without_bom(raw), use_float=True)
        try:
            for prefix, event, value in events:
                if prefix == "":
                    if event == "map_key":
                        if member is not None and key:
                            header[key] = member.value
                        key, member = value, None if value == "messages" else ObjectBuilder()
                        if value == "messages":
                            header["messages"] = True
                    elif event == "end_map":
                        if member is not None and key:
                            header[key] = member.value
                        member = None
                    elif event != "start_map":
                        return {}, [], ""  # a list or a scalar: no export of ours
                    continue
                if key != "messages":
                    if member is not None:
                        member.event(event, value)
                    continue
                if item is not None:
                    item.event(event, value)
                    if prefix == "messages.item" and event in ("end_map", "end_array"):
                        messages.append(item.value)
                        item = None
                elif prefix == "messages.item":
                    if event in ("start_map", "start_array"):
                        item = ObjectBuilder()
                        item.event(event, value)
                    else:
                        messages.append(value)  # a scalar where a message should be
        except JSON_ERRORS as error:
            if member is not None and key and hasattr(member, "value"):
                header[key] = member.value  # what came of it before the damage
            return header, messages, _describe(error)
    return header, messages, ""


def _is_messenger(header: dict[str, Any], raw_messages: list[Any]) -> bool:
    if "participants" in header:
        return True
    return any(
        isinstance(raw, dict) and {"sender_name", "timestamp_ms"} & raw.keys()
        for raw in raw_messages[:20]
    )


def _describe(error: Exception) -> str:
    if isinstance(error, ijson.IncompleteJSONError) and "premature EOF" in str(error):
        return "the file ends in the middle of the JSON (truncated)"
    return f"the JSON is damaged ({type(error).__name__})"


def _conversation(
    header: dict[str, Any], thread_path: str, raw_messages: list[Any]
) -> ConversationRecord:
    participants = [
        repair_text(entry.get("name"))
        for entry in header.get("participants") or []
        if isinstance(entry, dict)
    ]
    thread_type = repair_text(header.get("thread_type"))
    details: dict[str, Any] = {"participants": participants}
    if header.get("is_still_participant") is False:
        details["left"] = True
    if _is_instagram(header, raw_messages):
        details["service"] = "instagram"
    return ConversationRecord(
        platform=Platform.MESSENGER,
        platform_id=thread_path,
        title=repair_text(header.get("title")),
        kind=thread_type or ("group" if len(participants) > 2 else "individual"),
        details=details,
    )


def _is_instagram(header: dict[str, Any], raw_messages: list[Any]) -> bool:
    for raw in raw_messages[:50]:
        if isinstance(raw, dict):
            for key, _ in _MEDIA_LISTS:
                for media in raw.get(key) or []:
                    if isinstance(media, dict) and "instagram" in str(media.get("uri", "")):
                        return True
    return "instagram" in str(header.get("image", ""))


def parse_message(raw: dict[str, Any], position: int, thread_path: str) -> MessageRecord:
    message_type = str(raw.get("type") or "")
    is_service = message_type in _SERVICE_TYPES
    details: dict[str, Any] = {}
    for key in ("call_duration", "missed", "ip"):
        if raw.get(key) not in (None, ""):
            details[key] = raw[key]
    if raw.get("is_unsent"):
        details["unsent"] = True
    if isinstance(raw.get("users"), list):
        details["users"] = [
            repair_text(user.get("name")) for user in raw["users"] if isinstance(user, dict)
        ]
    reactions = [
        {
            "emoji": repair_text(reaction.get("reaction")),
            "actor": repair_text(reaction.get("actor")),
        }
        for reaction in raw.get("reactions") or []
        if isinstance(reaction, dict)
    ]
    if reactions:
        details["reactions"] = reactions
    links: list[str] = []
    share = raw.get("share")
    if isinstance(share, dict):
        if share.get("link"):
            links.append(repair_text(share["link"]))
        if share.get("share_text"):
            details["share_text"] = repair_text(share["share_text"])
    return MessageRecord(
        platform_id=str(position),
        sent_at=_time(raw.get("timestamp_ms")),
        sender=_sender(raw.get("sender_name")),
        text=repair_text(raw.get("content")),
        is_service=is_service,
        service_action=message_type.lower() if is_service else "",
        link_targets=links,
        attachments=list(_attachments(raw, thread_path)),
        details=details,
    )


def _time(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return _EPOCH + timedelta(milliseconds=int(value))
    except OverflowError:
        return None


def _sender(value: Any) -> ParticipantRecord | None:
    if not isinstance(value, str) or not value:
        return None
    name = repair_text(value)
    # A placeholder for a deleted account names nobody in particular: only inside its export.
    placeholder = name.strip().lower() in _PLACEHOLDER_NAMES
    return ParticipantRecord(platform_id=f"name:{name}", name=name, export_scoped=placeholder)


def _attachments(raw: dict[str, Any], thread_path: str) -> Iterator[AttachmentRef]:
    for key, kind in _MEDIA_LISTS:
        for media in raw.get(key) or []:
            if isinstance(media, dict) and media.get("uri"):
                yield _attachment(kind, repair_text(media["uri"]), thread_path)
    sticker = raw.get("sticker")
    if isinstance(sticker, dict) and sticker.get("uri"):
        yield _attachment("sticker", repair_text(sticker["uri"]), thread_path)


def _attachment(kind: str, uri: str, thread_path: str) -> AttachmentRef:
    name = posixpath.basename(uri.rstrip("/"))
    if "://" in uri:
        return AttachmentRef(kind=kind, status=AttachmentStatus.REMOTE, url=uri, file_name=name)
    # "messages/inbox/alice_1/photos/1.jpg" with thread_path "inbox/alice_1": "photos/1.jpg",
    # from the folder of the thread's JSON. Other uris (stickers_used/ ...) stay as written.
    marker = f"{thread_path.strip('/')}/" if thread_path else ""
    written = uri
    if marker and marker in uri:
        written = uri.split(marker, 1)[1]
    safe = safe_relative_path(written)
    if safe is None:
        return AttachmentRef(kind=kind, status=AttachmentStatus.REJECTED, path=uri, file_name=name)
    return AttachmentRef(kind=kind, status=AttachmentStatus.IN_EXPORT, path=safe, file_name=name)


def _in_time_order(records: list[MessageRecord]) -> list[MessageRecord]:
    """Oldest first: the file's order reversed when it is newest first (as Facebook writes
    it), then sorted by time (stable, so equal times keep their order); messages without a
    time keep their place after the one before them."""
    timed = [record.sent_at for record in records if record.sent_at is not None]
    if len(timed) >= 2 and timed[0] > timed[-1]:
        records = records[::-1]
    last = _EPOCH
    keyed: list[tuple[datetime, int, MessageRecord]] = []
    for index, record in enumerate(records):
        if record.sent_at is not None:
            last = record.sent_at
        keyed.append((last, index, record))
    return [record for _, _, record in sorted(keyed, key=lambda entry: entry[:2])]
