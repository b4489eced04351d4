"""Telegram Desktop exports: the shared third-party sample, and generated single-chat and
full-account exports with every shape of text, time and attachment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.chats.builders import (
    FILE_NOT_INCLUDED,
    telegram_chat,
    telegram_full_export,
    telegram_message,
    write_telegram_chat,
)
from vigil.chats.readers import read_export
from vigil.chats.records import (
    AttachmentStatus,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    Platform,
)

SAMPLE = "tests/samples/telegram/DM_2A_7M.json"


def _read(path: Path) -> list[Any]:
    return list(read_export(Platform.TELEGRAM, lambda: open(path, "rb")))


def _messages(events: list[Any]) -> list[MessageRecord]:
    return [event for event in events if isinstance(event, MessageRecord)]


def _warnings(events: list[Any]) -> list[ImportWarning]:
    return [event for event in events if isinstance(event, ImportWarning)]


def test_the_shared_sample_gives_the_expected_chat_authors_and_messages(shared_data: Path) -> None:
    root = shared_data / "chat-analytics"
    expected = json.loads((root / "EXPECTED.json").read_text())["samples"][SAMPLE]
    events = _read(root / SAMPLE)
    conversation = events[0]
    assert isinstance(conversation, ConversationRecord)
    assert conversation.platform_id == str(expected["channels"][0]["id"])
    messages = {message.platform_id: message for message in _messages(events)}
    for want in expected["messages"]:
        got = messages[want["id"]]
        assert got.sender is not None and got.sender.platform_id == want["authorId"]
        if "timestamp_ms" in want:
            assert got.sent_at is not None and not got.time_is_local
            assert got.sent_at.timestamp() * 1000 == want["timestamp_ms"]
        else:  # only `date`: the exporter's local clock, kept as written and flagged
            assert got.time_is_local
            local = want["timestamp"].split("'")[1]
            assert got.sent_at == datetime.fromisoformat(local).replace(tzinfo=UTC)
        if "textContent" in want:
            assert got.text.split() == want["textContent"].split()
        if want.get("attachments"):
            assert [a.status for a in got.attachments] == [AttachmentStatus.NOT_INCLUDED]
    names = {(m.sender.platform_id, m.sender.name) for m in messages.values() if m.sender}
    assert {(a["id"], a["name"]) for a in expected["authors"]} <= names


def test_the_shared_sample_phone_call_is_a_service_message_with_its_duration(
    shared_data: Path,
) -> None:
    events = _read(shared_data / "chat-analytics" / SAMPLE)
    call = next(m for m in _messages(events) if m.platform_id == "3674")
    assert call.is_service and call.service_action == "phone_call"
    assert call.details["duration_seconds"] == 56
    assert call.sent_at is not None and call.sent_at.timestamp() == 1691719862


def test_text_as_entity_array_is_flattened_and_hidden_links_kept(tmp_path: Path) -> None:
    text = [
        "see ",
        {"type": "text_link", "text": "this", "href": "https://example.org/x"},
        " and ",
        {"type": "mention", "text": "@bob_b"},
    ]
    path = write_telegram_chat(tmp_path, [telegram_message(1, text)])
    (message,) = _messages(_read(path))
    assert message.text == "see this and @bob_b"
    assert message.link_targets == ["https://example.org/x"]


def test_replies_forwards_and_edits_are_kept(tmp_path: Path) -> None:
    messages = [
        telegram_message(1, "first"),
        telegram_message(
            2,
            "second",
            reply_to_message_id=1,
            forwarded_from="A channel",
            edited="2024-03-01T11:00:00",
            edited_unixtime="1709290800",
        ),
    ]
    path = write_telegram_chat(tmp_path, messages)
    second = _messages(_read(path))[1]
    assert second.reply_to == "1"
    assert second.forwarded_from == "A channel"
    assert second.edited_at == datetime.fromtimestamp(1709290800, UTC)


def test_attachments_present_left_out_and_escaping_the_export(tmp_path: Path) -> None:
    messages = [
        telegram_message(1, "", photo="photos/photo_1.jpg", width=10, height=10),
        telegram_message(2, "", file=FILE_NOT_INCLUDED, media_type="video_file"),
        telegram_message(3, "", file="../../etc/passwd"),
        telegram_message(4, "", file="/etc/shadow"),
    ]
    events = _read(write_telegram_chat(tmp_path, messages))
    attachments = [message.attachments[0] for message in _messages(events)]
    assert [(a.status, a.path) for a in attachments] == [
        (AttachmentStatus.IN_EXPORT, "photos/photo_1.jpg"),
        (AttachmentStatus.NOT_INCLUDED, ""),
        (AttachmentStatus.REJECTED, "../../etc/passwd"),
        (AttachmentStatus.REJECTED, "/etc/shadow"),
    ]
    assert attachments[1].kind == "video_file"
    rejected = [w.message_id for w in _warnings(events) if w.code == "attachment_path_rejected"]
    assert rejected == ["3", "4"]


def test_a_full_export_yields_every_chat_with_its_own_messages(tmp_path: Path) -> None:
    chats = [
        telegram_chat([telegram_message(1, "one"), telegram_message(2, "two")], id=1, name="A"),
        telegram_chat([telegram_message(7, "three")], id=2, name="B", type="private_group"),
    ]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(telegram_full_export(chats)))
    events = _read(path)
    shape = [
        (e.platform_id, e.title) if isinstance(e, ConversationRecord) else e.text
        for e in events
        if not isinstance(e, ImportWarning)
    ]
    assert shape == [("1", "A"), "one", "two", ("2", "B"), "three"]
    assert _warnings(events) == []


def test_a_truncated_chat_keeps_every_complete_message_and_says_so(tmp_path: Path) -> None:
    messages = [telegram_message(index, f"message {index}") for index in range(1, 101)]
    path = write_telegram_chat(tmp_path, messages)
    data = path.read_bytes()
    cut = data.index(b'"message 61"')
    path.write_bytes(data[:cut])
    events = _read(path)
    assert [m.platform_id for m in _messages(events)] == [str(i) for i in range(1, 61)]
    assert [w.code for w in _warnings(events)] == ["truncated"]


def test_a_truncated_full_export_keeps_what_it_holds(tmp_path: Path) -> None:
    chats = [telegram_chat([telegram_message(i, f"m{i}") for i in range(1, 11)], id=1)]
    path = tmp_path / "result.json"
    data = json.dumps(telegram_full_export(chats)).encode()
    path.write_bytes(data[: data.index(b'"m8"')])
    events = _read(path)
    assert len(_messages(events)) == 7
    assert [w.code for w in _warnings(events)] == ["truncated"]


def test_a_byte_order_mark_does_not_stop_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(telegram_chat([telegram_message(1)])).encode())
    assert [m.text for m in _messages(_read(path))] == ["hello"]
