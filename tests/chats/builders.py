"""Synthetic chat exports in the real formats, written to disk: benign text only."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

FILE_NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
BITCOIN_GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


def telegram_message(message_id: int, text: Any = "hello", **extra: Any) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": str(1709287200 + message_id),
        "from": "Alice",
        "from_id": "user111",
        "text": text,
        "text_entities": [],
        **extra,
    }


def telegram_chat(messages: list[dict[str, Any]], **header: Any) -> dict[str, Any]:
    return {"name": "Bob", "type": "personal_chat", "id": 4242, **header, "messages": messages}


def write_telegram_chat(folder: Path, messages: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "result.json"
    path.write_text(json.dumps(telegram_chat(messages), ensure_ascii=False, indent=1))
    return path


def telegram_full_export(chats: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 111, "first_name": "Alice", "phone_number": "+0"},
        "contacts": {"about": "", "list": []},
        "chats": {"about": "", "list": chats},
        "left_chats": {"about": "", "list": []},
    }


def discord_message(message_id: str, content: str = "hi", **extra: Any) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "Default",
        "timestamp": "2023-01-17T19:33:19.087+00:00",
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": {
            "id": "111111111111111111",
            "name": "carol",
            "discriminator": "0000",
            "nickname": "Carol",
            "isBot": False,
        },
        "attachments": [],
        "embeds": [],
        "reactions": [],
        "mentions": [],
        **extra,
    }


def discord_export(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "guild": {"id": "900", "name": "A guild"},
        "channel": {"id": "901", "type": "GuildTextChat", "categoryId": "9", "name": "general"},
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-01-01T00:00:00+00:00",
        "messages": messages,
        "messageCount": len(messages),
    }


def rocketchat_zip(
    rooms: dict[str, list[dict[str, Any]]],
    assets: dict[str, bytes],
    *,
    channels: list[dict[str, str]] | None = None,
    raw_lines: dict[str, str] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for room, messages in rooms.items():
            lines = "\n".join(json.dumps(message) for message in messages) + "\n"
            archive.writestr(f"{room}.json", lines + (raw_lines or {}).get(room, ""))
        for name, data in assets.items():
            archive.writestr(f"assets/{name}", data)
        if channels is not None:
            archive.writestr("channels.json", "\n".join(json.dumps(row) for row in channels))
            archive.writestr("user.json", json.dumps({"username": "investigated.user"}))
    return buffer.getvalue()


def rocketchat_message(text: str, username: str = "User_1", **extra: Any) -> dict[str, Any]:
    return {"msg": text, "username": username, "ts": "2023-05-01T08:00:00.000Z", **extra}


def whatsapp_zip(
    chat: str, media: dict[str, bytes] | None = None, *, member: str = "_chat.txt"
) -> bytes:
    """A WhatsApp "Export chat" ZIP: the chat text and its media, side by side."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, chat.encode("utf-8"))
        folder = member.rpartition("/")[0]
        for name, data in (media or {}).items():
            archive.writestr(f"{folder}/{name}" if folder else name, data)
    return buffer.getvalue()


def mark_first_member_encrypted(data: bytes) -> bytes:
    """The ZIP with its first member flagged encrypted (in the local and central headers), as
    a password-protected export reads to an unzipper without the password."""
    patched = bytearray(data)
    assert patched[:4] == b"PK\x03\x04"
    patched[6] |= 0x1
    central = data.index(b"PK\x01\x02")
    patched[central + 8] |= 0x1
    return bytes(patched)


def mojibake(text: str) -> str:
    """Text as Facebook writes it: each UTF-8 byte as the latin-1 character of that value."""
    return text.encode("utf-8").decode("latin-1")


def messenger_message(
    sender: str, timestamp_ms: int, content: str | None = None, **extra: Any
) -> dict[str, Any]:
    message: dict[str, Any] = {"sender_name": mojibake(sender), "timestamp_ms": timestamp_ms}
    if content is not None:
        message["content"] = mojibake(content)
    return {**message, **extra}


def messenger_thread(
    messages: list[dict[str, Any]],
    *,
    participants: tuple[str, ...] = ("Zoë Ångström", "Bob"),
    title: str = "Zoë Ångström",
    thread_path: str = "inbox/zoeangstrom_1234567890",
    thread_type: str = "Regular",
) -> dict[str, Any]:
    """A Messenger "Download your information" thread file (message_1.json), newest first as
    Facebook writes it: pass `messages` oldest first."""
    return {
        "participants": [{"name": mojibake(name)} for name in participants],
        "messages": sorted(messages, key=lambda m: m.get("timestamp_ms", 0), reverse=True),
        "title": mojibake(title),
        "is_still_participant": True,
        "thread_type": thread_type,
        "thread_path": thread_path,
        "magic_words": [],
    }
