"""Which chat export a file is, from its first bytes: cheap enough to ask of every JSON file
and ZIP of a case. Telegram and Discord are told apart by their top-level keys; a Rocket.Chat
export is a ZIP of JSON-lines room files."""

from __future__ import annotations

import io
import json
import zipfile
from typing import IO

import ijson

from vigil.chats.jsonstream import BOM, JSON_ERRORS
from vigil.chats.records import Platform

SNIFF_BYTES = 64 * 1024
_TELEGRAM_FULL_KEYS = frozenset({"personal_information", "chats", "left_chats"})
# personal_chat, bot_chat, private_group, public_supergroup, private_channel, saved_messages ...
_TELEGRAM_CHAT_TYPE_ENDINGS = ("_chat", "_group", "_supergroup", "_channel", "saved_messages")
_ROCKETCHAT_SIDE_FILES = frozenset({"user.json", "channels.json"})


def sniff_json(head: bytes) -> Platform | None:
    """Telegram (single chat or full export) or DiscordChatExporter, from the first bytes."""
    body = head[len(BOM) :] if head.startswith(BOM) else head
    if body.lstrip()[:1] != b"{":
        return None
    keys: set[str] = set()
    chat_type = ""
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(body)):
            if prefix == "" and event == "map_key":
                keys.add(value)
            elif prefix == "type" and event == "string":
                chat_type = value
    except JSON_ERRORS:
        pass  # the head is cut mid-file: the keys seen so far decide
    if {"guild", "channel"} <= keys:
        return Platform.DISCORD
    if keys & _TELEGRAM_FULL_KEYS:
        return Platform.TELEGRAM
    if "messages" in keys and chat_type.endswith(_TELEGRAM_CHAT_TYPE_ENDINGS):
        return Platform.TELEGRAM
    return None


def sniff_zip(stream: IO[bytes]) -> Platform | None:
    """A Rocket.Chat room export: a ZIP holding `<room>.json` files of JSON lines."""
    try:
        with zipfile.ZipFile(stream) as archive:
            for name in rocketchat_room_files(archive):
                with archive.open(name) as member:
                    first = member.readline(SNIFF_BYTES).strip()
                if _looks_like_rocketchat_message(first):
                    return Platform.ROCKETCHAT
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
    return sniff_json(head)


def _looks_like_rocketchat_message(line: bytes) -> bool:
    try:
        first = json.loads(line.removeprefix(BOM))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(first, dict) and {"msg", "ts"} <= first.keys() and "username" in first
