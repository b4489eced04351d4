"""What a chat export reader yields, in file order: a ConversationRecord, then its messages
(Messenger's, which its files hold newest first, oldest first); ImportWarnings wherever the
export is damaged or unusual (the WhatsApp and Messenger readers yield nothing else for a file
they cannot read at all). Nothing here touches a database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Platform(StrEnum):
    TELEGRAM = "telegram"
    DISCORD = "discord"
    ROCKETCHAT = "rocketchat"
    WHATSAPP = "whatsapp"
    MESSENGER = "messenger"  # Facebook Messenger and Instagram direct messages


class AttachmentStatus(StrEnum):
    IN_EXPORT = "in_export"  # a relative path inside the export: look for it among the items
    NOT_INCLUDED = "not_included"  # the exporter left the file out ("File not included ...")
    REJECTED = "rejected"  # a path leaving the export (../, absolute): never looked up
    REMOTE = "remote"  # only a URL on the platform's servers


@dataclass(slots=True)
class ConversationRecord:
    platform: Platform
    platform_id: str
    title: str
    kind: str  # the platform's own word: personal_chat, GuildTextChat, room ...
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ParticipantRecord:
    platform_id: str
    name: str
    is_bot: bool = False
    username: str = ""  # the account name, where the platform shows another display name
    # Rocket.Chat replaces user names by User_N, numbered per export: an id of that export only.
    export_scoped: bool = False


@dataclass(slots=True)
class AttachmentRef:
    kind: str  # photo, file, video_file, sticker, image ...
    status: AttachmentStatus
    path: str = ""  # as written in the export, relative to it
    file_name: str = ""
    url: str = ""
    size: int | None = None
    mime: str = ""


@dataclass(slots=True)
class MessageRecord:
    platform_id: str
    sent_at: datetime | None  # UTC; see time_is_local
    sender: ParticipantRecord | None
    text: str = ""
    # True when the export only gave the exporter's local clock time, without an offset:
    # sent_at then holds that wall-clock time labelled UTC, and must be read as such.
    time_is_local: bool = False
    is_service: bool = False
    service_action: str = ""
    reply_to: str = ""  # platform id of the message replied to
    forwarded_from: str = ""
    forwarded_from_id: str = ""
    edited_at: datetime | None = None
    link_targets: list[str] = field(default_factory=list)  # URLs behind the visible text
    attachments: list[AttachmentRef] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ImportWarning:
    code: str
    message: str  # plain words, never message content
    message_id: str = ""


ChatEvent = ConversationRecord | MessageRecord | ImportWarning


def with_attachment_warnings(message: MessageRecord) -> Iterator[MessageRecord | ImportWarning]:
    """The message, then a warning for each attachment whose path was refused."""
    yield message
    for attachment in message.attachments:
        if attachment.status is AttachmentStatus.REJECTED:
            yield ImportWarning(
                "attachment_path_rejected",
                "an attachment path leaves the export (absolute or '..'); not looked up",
                message.platform_id,
            )
