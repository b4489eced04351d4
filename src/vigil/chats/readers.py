"""One entry point over the readers: `read_export(platform, opener)`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vigil.chats.discord import read_discord
from vigil.chats.jsonstream import Opener
from vigil.chats.messenger import read_messenger
from vigil.chats.records import ChatEvent, Platform
from vigil.chats.rocketchat import read_rocketchat
from vigil.chats.telegram import read_telegram
from vigil.chats.whatsapp import read_whatsapp

READERS: dict[Platform, Callable[[Opener], Iterator[ChatEvent]]] = {
    Platform.TELEGRAM: read_telegram,
    Platform.DISCORD: read_discord,
    Platform.ROCKETCHAT: read_rocketchat,
    Platform.WHATSAPP: read_whatsapp,
    Platform.MESSENGER: read_messenger,
}
# Bumped when a reader changes what it yields: stored with each import, for provenance.
READER_VERSION = "2"  # 2: WhatsApp and Messenger/Instagram readers


def read_export(platform: Platform, open_export: Opener) -> Iterator[ChatEvent]:
    """Events of the export, in file order (Messenger's, written newest first, oldest first).
    `open_export` opens it from its first byte (a
    reader may read it twice: once for the header, once for the messages)."""
    return READERS[platform](open_export)
