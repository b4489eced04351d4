"""Which chat export a file is, from its first bytes: cheap enough to ask of every text file
and ZIP of a case. Telegram, Discord and Messenger/Instagram JSON are told apart by their keys;
a Rocket.Chat export is a ZIP of JSON-lines room files; a WhatsApp export is a text file whose
first lines are message headers, or a ZIP holding one (`_chat.txt`, `WhatsApp Chat with X.txt`).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import IO

import ijson

from vigil.chats.jsonstream import BOM, JSON_ERRORS
from vigil.chats.records import Platform
from vigil.chats.whatsapp import looks_like_whatsapp, whatsapp_chat_member

SNIFF_BYTES = 64 * 1024
_TELEGRAM_FULL_KEYS = frozenset({"personal_information", "chats", "left_chats"})
# personal_chat, bot_chat, private_group, public_supergroup, private_channel, saved_messages ...
_TELEGRAM_CHAT_TYPE_ENDINGS = ("_chat", "_group", "_supergroup", "_channel", "saved_messages")
_ROCKETCHAT_SIDE_FILES = frozenset({"user.json", "channels.json"})
_MESSENGER_MESSAGE_KEYS = frozenset({"sender_name", "timestamp_ms"})
# Written after the messages, so only seen in the head of a small export.
_MESSENGER_THREAD_KEYS = frozenset({"thread_path", "thread_type", "is_still_participant"})
_TEXT_SNIFF_CHARS = 16 * 1024


def sniff_json(head: bytes) -> Platform | None:
    """Telegram (single chat or full export), DiscordChatExporter or Messenger/Instagram, from
    the first bytes."""
    body = head[len(BOM) :] if head.startswith(BOM) else head
    if body.lstrip()[:1] != b"{":
        return None
    keys: set[str] = set()
    message_keys: set[str] = set()
    chat_type = ""
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(body)):
            if prefix == "" and event == "map_key":
                keys.add(value)
            elif prefix == "type" and event == "string":
                chat_type = value
            elif prefix == "messages.item" and event == "map_key":
                message_keys.add(value)
    except JSON_ERRORS:
        pass  # the head is cut mid-file: the keys seen so far decide
    if {"guild", "channel"} <= keys:
        return Platform.DISCORD
    if keys & _TELEGRAM_FULL_KEYS:
        return Platform.TELEGRAM
    if "messages" in keys and chat_type.endswith(_TELEGRAM_CHAT_TYPE_ENDINGS):
        return Platform.TELEGRAM
    if "messages" in keys and (
        message_keys >= _MESSENGER_MESSAGE_KEYS
        or ("participants" in keys and keys & _MESSENGER_THREAD_KEYS)
    ):
        return Platform.MESSENGER
    return None


def sniff_text(head: bytes) -> Platform | None:
    """A WhatsApp "Export chat" text file, from its first lines."""
    text = head[: _TEXT_SNIFF_CHARS * 4].decode("utf-8", errors="ignore")[:_TEXT_SNIFF_CHARS]
    return Platform.WHATSAPP if looks_like_whatsapp(text) else None


def sniff_zip(stream: IO[bytes]) -> Platform | None:
    """A Rocket.Chat room export (a ZIP holding `<room>.json` files of JSON lines) or a
    WhatsApp export ZIP (the chat's text file and its media)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            for name in rocketchat_room_files(archive):
                try:
                    with archive.open(name) as member:
                        first = member.readline(SNIFF_BYTES).strip()
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
                    continue  # an unreadable member: the next one may tell
                if _looks_like_rocketchat_message(first):
                    return Platform.ROCKETCHAT
            if whatsapp_chat_member(archive) is not None:
                return Platform.WHATSAPP
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    return None


def rocketchat_room_files(archive: zipfile.ZipFile) -> list[str]:
    return [
        info.filename
        for info in archive.infolist()
        if "/" not in info.filename
        and info.filename.endswith(".json")
        and info.filename not in _ROCKETCHAT_SIDE_FILES
    ]


def detect(stream: IO[bytes]) -> Platform | None:
    """The platform of a seekable binary stream, or None when it is no chat export we read."""
    head = stream.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        return sniff_zip(stream)
    return sniff_json(head) or sniff_text(head)


def _looks_like_rocketchat_message(line: bytes) -> bool:
    try:
        first = json.loads(line.removeprefix(BOM))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(first, dict) and {"msg", "ts"} <= first.keys() and "username" in first
