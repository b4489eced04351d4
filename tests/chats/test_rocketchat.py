"""Rocket.Chat room exports: JSON lines in a ZIP, files under assets/, anonymised users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.chats.builders import rocketchat_message, rocketchat_zip
from vigil.chats.readers import read_export
from vigil.chats.records import (
    AttachmentStatus,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    Platform,
)


def _read(data: bytes, tmp_path: Path) -> list[Any]:
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    return list(read_export(Platform.ROCKETCHAT, lambda: open(path, "rb")))


def test_rooms_messages_and_assets_are_read(tmp_path: Path) -> None:
    attachment = {"type": "file", "title": "plan.pdf", "fileId": "abc123", "fileName": "plan.pdf"}
    rooms = {
        "general": [
            rocketchat_message("hello", "investigated.user"),
            rocketchat_message("see file", "User_1", attachments=[attachment]),
            rocketchat_message("User_2", "User_1", type="au"),
        ]
    }
    data = rocketchat_zip(
        rooms,
        {"abc123-plan.pdf": b"%PDF-1.4"},
        channels=[{"roomId": "R1", "roomName": "general", "type": "c"}],
    )
    events = _read(data, tmp_path)
    conversation = events[0]
    assert isinstance(conversation, ConversationRecord)
    assert (conversation.platform_id, conversation.title, conversation.kind) == (
        "R1",
        "general",
        "c",
    )
    messages = [e for e in events if isinstance(e, MessageRecord)]
    assert [m.platform_id for m in messages] == ["1", "2", "3"]
    assert messages[0].sender is not None and messages[0].sender.export_scoped
    assert messages[1].details == {"anonymised_sender": True}
    assert [(a.status, a.path) for a in messages[1].attachments] == [
        (AttachmentStatus.IN_EXPORT, "assets/abc123-plan.pdf")
    ]
    assert messages[2].is_service and messages[2].service_action == "au"


def test_a_damaged_line_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    data = rocketchat_zip(
        {"room": [rocketchat_message("one")]},
        {},
        raw_lines={"room": '{"msg": "cut off", "usern\n' + '{"msg": "after", "ts": "x"}\n'},
    )
    events = _read(data, tmp_path)
    assert [e.text for e in events if isinstance(e, MessageRecord)] == ["one", "after"]
    assert [(e.code, e.message_id) for e in events if isinstance(e, ImportWarning)] == [
        ("malformed_line", "2")
    ]


def test_a_file_name_that_climbs_out_of_assets_is_rejected(tmp_path: Path) -> None:
    attachment = {"type": "file", "fileId": "x", "fileName": "../../../etc/passwd"}
    data = rocketchat_zip({"room": [rocketchat_message("f", attachments=[attachment])]}, {})
    events = _read(data, tmp_path)
    message = next(e for e in events if isinstance(e, MessageRecord))
    assert message.attachments[0].status is AttachmentStatus.REJECTED
    assert any(
        isinstance(e, ImportWarning) and e.code == "attachment_path_rejected" for e in events
    )
