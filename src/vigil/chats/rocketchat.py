"""Rocket.Chat room exports (ZIP): one `<room>.json` per room, a JSON object per line
(`msg`, `username`, `ts`, `type`, `attachments`), files under `assets/<fileId>-<name>`, and in
a full data export `channels.json` (room ids and types) and `user.json`.

The export replaces every user name but the requester's by `User_N`, numbered per export, and
carries no message ids: a message is known by its line in the room file.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from vigil.chats.detect import rocketchat_room_files
from vigil.chats.jsonstream import BOM, Opener, parse_time
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

ANONYMISED = re.compile(r"User_\d+")
MAX_LINE_BYTES = 16 * 1024 * 1024  # a longer line is damage, not a message


def read_rocketchat(open_export: Opener) -> Iterator[ChatEvent]:
    with open_export() as raw, zipfile.ZipFile(raw) as archive:
        rooms = _channels(archive)
        for name in rocketchat_room_files(archive):
            room = name.removesuffix(".json")
            room_id, room_type = rooms.get(room, ("", ""))
            yield ConversationRecord(
                platform=Platform.ROCKETCHAT,
                platform_id=room_id or room,
                title=room,
                kind=room_type or "room",
            )
            with archive.open(name) as member:
                yield from _room_messages(member)


def _channels(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    if "channels.json" not in archive.namelist():
        return {}
    rooms: dict[str, tuple[str, str]] = {}
    with archive.open("channels.json") as member:
        for line in io.TextIOWrapper(member, encoding="utf-8-sig", errors="replace"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("roomName"):
                rooms[str(entry["roomName"])] = (
                    str(entry.get("roomId") or ""),
                    str(entry.get("type") or ""),
                )
    return rooms


def _room_messages(member: io.BufferedIOBase | Any) -> Iterator[ChatEvent]:
    for number, line in enumerate(iter(lambda: member.readline(MAX_LINE_BYTES), b""), start=1):
        text = line.removeprefix(BOM).strip() if number == 1 else line.strip()
        if not text:
            continue
        try:
            raw = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            yield ImportWarning(
                "malformed_line",
                f"line {number} is not a JSON object (damaged or cut)",
                str(number),
            )
            continue
        if not isinstance(raw, dict):
            yield ImportWarning(
                "malformed_line", f"line {number} is not a JSON object", str(number)
            )
            continue
        message = parse_message(raw, number)
        yield from with_attachment_warnings(message)


def parse_message(raw: dict[str, Any], line_number: int) -> MessageRecord:
    username = str(raw.get("username") or "")
    message_type = str(raw.get("type") or "")
    sender = (
        ParticipantRecord(platform_id=username, name=username, export_scoped=True)
        if username
        else None
    )
    timestamp = raw.get("ts")
    if isinstance(timestamp, dict):  # MongoDB extended JSON, in older exports
        timestamp = timestamp.get("$date")
    details = {"anonymised_sender": True} if ANONYMISED.fullmatch(username) else {}
    return MessageRecord(
        platform_id=str(line_number),
        sent_at=parse_time(timestamp),
        sender=sender,
        text=str(raw.get("msg") or ""),
        is_service=bool(message_type),
        service_action=message_type,
        attachments=_attachments(raw.get("attachments")),
        details=details,
    )


def _attachments(raw: Any) -> list[AttachmentRef]:
    found: dict[str, AttachmentRef] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type") or "file")
        if item.get("fileId") and item.get("fileName"):
            written = f"assets/{item['fileId']}-{item['fileName']}"
            safe = safe_relative_path(written)
            status = AttachmentStatus.IN_EXPORT if safe else AttachmentStatus.REJECTED
            found.setdefault(
                written,
                AttachmentRef(
                    kind=kind, status=status, path=safe or written, file_name=str(item["fileName"])
                ),
            )
        else:
            url = str(item.get("url") or item.get("title_link") or item.get("image_url") or "")
            found.setdefault(
                url or str(len(found)),
                AttachmentRef(
                    kind=kind,
                    status=AttachmentStatus.REMOTE,
                    url=url,
                    file_name=str(item.get("title") or ""),
                ),
            )
    return list(found.values())
