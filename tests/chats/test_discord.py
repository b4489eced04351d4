"""DiscordChatExporter JSON: the shared third-party samples, and a file cut mid-message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.chats.builders import discord_export, discord_message
from vigil.chats.jsonstream import parse_time
from vigil.chats.readers import read_export
from vigil.chats.records import (
    AttachmentStatus,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    Platform,
)

SAMPLES = (
    "tests/samples/discord/DM_2A_2M.json",
    "tests/samples/discord/GC_3A_5M.json",
    "tests/samples/discord/SV_5A_5M.json",
)


def _read(path: Path) -> list[Any]:
    return list(read_export(Platform.DISCORD, lambda: open(path, "rb")))


def _messages(events: list[Any]) -> list[MessageRecord]:
    return [event for event in events if isinstance(event, MessageRecord)]


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_shared_samples_give_the_expected_channel_authors_and_messages(
    shared_data: Path, sample: str
) -> None:
    root = shared_data / "chat-analytics"
    expected = json.loads((root / "EXPECTED.json").read_text())["samples"][sample]
    events = _read(root / sample)
    conversation = events[0]
    assert isinstance(conversation, ConversationRecord)
    assert conversation.platform_id == expected["channels"][0]["id"]
    messages = {message.platform_id: message for message in _messages(events)}
    for want in expected["messages"]:
        got = messages[want["id"]]
        assert got.sender is not None and got.sender.platform_id == want["authorId"]
        assert got.sent_at == parse_time(want["timestamp"])
        assert got.text == want["textContent"]
        assert got.reply_to == want.get("replyTo", "")
        if "timestampEdit" in want:
            assert got.edited_at == parse_time(want["timestampEdit"])
    for call in expected["calls"]:
        got = messages[call["id"]]
        assert got.is_service and got.service_action == "Call"
        assert parse_time(got.details["call_ended_at"]) == parse_time(call["timestampEnd"])


def test_the_shared_sample_nickname_wins_over_the_account_name(shared_data: Path) -> None:
    events = _read(shared_data / "chat-analytics" / SAMPLES[1])
    sender = next(m.sender for m in _messages(events) if m.platform_id == "1064990824305274930")
    assert sender is not None
    assert (sender.name, sender.username) == ("theplant", "not a plant#6597")


def test_the_shared_sample_attachment_and_sticker_stay_remote(shared_data: Path) -> None:
    events = _read(shared_data / "chat-analytics" / SAMPLES[2])
    message = next(m for m in _messages(events) if m.platform_id == "447793085255123005")
    assert [(a.kind, a.status) for a in message.attachments] == [
        ("attachment", AttachmentStatus.REMOTE),
        ("sticker", AttachmentStatus.REMOTE),
    ]


def test_a_truncated_export_still_imports_its_messages_with_a_warning(tmp_path: Path) -> None:
    messages = [discord_message(str(1000 + i), f"message {i}") for i in range(50)]
    data = json.dumps(discord_export(messages), indent=2).encode()
    path = tmp_path / "general.json"
    path.write_bytes(data[: data.index(b'"message 30"')])  # cut inside message 30
    events = _read(path)
    assert [m.text for m in _messages(events)] == [f"message {i}" for i in range(30)]
    warnings = [e for e in events if isinstance(e, ImportWarning)]
    assert [w.code for w in warnings] == ["truncated"]


def test_a_complete_export_whose_count_disagrees_says_so(tmp_path: Path) -> None:
    export = discord_export([discord_message("1"), discord_message("2")])
    export["messageCount"] = 3
    path = tmp_path / "general.json"
    path.write_text(json.dumps(export))
    warnings = [e.code for e in _read(path) if isinstance(e, ImportWarning)]
    assert warnings == ["message_count_differs"]


def test_downloaded_media_is_in_the_export_unless_its_path_escapes(tmp_path: Path) -> None:
    attachments = [
        {"id": "1", "url": "general.json_Files/photo%20one.png", "fileName": "photo one.png"},
        {"id": "2", "url": "%2e%2e/%2e%2e/secret.txt", "fileName": "secret.txt"},
    ]
    path = tmp_path / "general.json"
    path.write_text(json.dumps(discord_export([discord_message("1", attachments=attachments)])))
    (message,) = _messages(_read(path))
    assert [(a.status, a.path) for a in message.attachments] == [
        (AttachmentStatus.IN_EXPORT, "general.json_Files/photo one.png"),
        (AttachmentStatus.REJECTED, "%2e%2e/%2e%2e/secret.txt"),
    ]
