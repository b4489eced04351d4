"""One entry point over the three readers: `read_export(platform, opener)`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vigil.chats.discord import read_discord
from vigil.chats.jsonstream import Opener
from vigil.chats.records import ChatEvent, Platform
from vigil.chats.rocketchat import read_rocketchat
from vigil.chats.telegram import read_telegram

READERS: dict[Platform, Callable[[Opener], Iterator[ChatEvent]]] = {
    Platform.TELEGRAM: read_telegram,
    Platform.DISCORD: read_discord,
    Platform.ROCKETCHAT: read_rocketchat,
}
# Bumped when a reader changes what it yields: stored with each import, for provenance.
READER_VERSION = "1"


def read_export(platform: Platform, open_export: Opener) -> Iterator[ChatEvent]:
    """Events of the export, in file order. `open_export` opens it from its first byte (a
    reader may read it twice: once for the header, once for the messages)."""
    return READERS[platform](open_export)
