"""Messenger and Instagram "Download your information" JSON: the shared third-party sample, and
generated thread files with Facebook's mis-encoded text, attachments, reactions, shares, calls
and damage."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.chats.builders import (
    messenger_message,
    messenger_thread,
    mojibake,
    telegram_chat,
    telegram_message,
)
from vigil.chats.messenger import repair_text
from vigil.chats.readers import read_export
from vigil.chats.records import (
    AttachmentStatus,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    Platform,
)

SAMPLE = "tests/samples/messenger/2A_7M.json"
T0 = 1_700_000_000_000
_KINDS = {"Image": "photo", "Sticker": "sticker", "Audio": "audio", "Other": "file"}


def _read_bytes(data: bytes, tmp_path: Path) -> list[Any]:
    path = tmp_path / "message_1.json"
    path.write_bytes(data)
    return _read_path(path)


def _read_path(path: Path) -> list[Any]:
    return list(read_export(Platform.MESSENGER, lambda: open(path, "rb")))


def _read(thread: Any, tmp_path: Path) -> list[Any]:
    # ensure_ascii as Facebook writes it: every mis-encoded byte as a \u00XX escape.
    return _read_bytes(json.dumps(thread, indent=2).encode(), tmp_path)


def _messages(events: list[Any]) -> list[MessageRecord]:
    return [event for event in events if isinstance(event, MessageRecord)]


def _warnings(events: list[Any]) -> list[str]:
    return [event.code for event in events if isinstance(event, ImportWarning)]


def test_the_shared_sample_gives_exactly_the_expected_messages_and_authors(
    shared_data: Path,
) -> None:
    root = shared_data / "chat-analytics"
    expected = json.loads((root / "EXPECTED.json").read_text())["samples"][SAMPLE]
    events = _read_path(root / SAMPLE)
    conversation = events[0]
    assert isinstance(conversation, ConversationRecord)
    assert conversation.platform_id == expected["channels"][0]["id"]
    assert conversation.title == "Alice"
    messages = _messages(events)
    assert len(messages) == len(expected["messages"]) == 7
    assert {m.sender.name for m in messages if m.sender} == {a["name"] for a in expected["authors"]}
    # The expected list is in time order, as the reader yields it (the file is newest first).
    for got, want in zip(messages, expected["messages"], strict=True):
        assert got.sender is not None and got.sender.name == want["authorId"]
        assert got.sent_at is not None and not got.time_is_local
        assert round(got.sent_at.timestamp() * 1000) == want["timestamp_ms"]
        assert got.text == want.get("textContent", "")
        assert [a.kind for a in got.attachments] == [_KINDS[k] for k in want.get("attachments", [])]
    assert [m.platform_id for m in messages] == ["7", "6", "5", "4", "3", "2", "1"]
    assert _warnings(events) == []


def test_the_shared_sample_attachments_are_paths_from_the_thread_folder(
    shared_data: Path,
) -> None:
    path = shared_data / "chat-analytics" / SAMPLE
    events = _read_path(path)
    paths = [(a.status, a.path) for m in _messages(events) for a in m.attachments]
    assert paths == [
        (AttachmentStatus.IN_EXPORT, "photos/123123123123123.jpg"),
        # Outside the thread's folder: as written, from the root of the download.
        (AttachmentStatus.IN_EXPORT, "messages/stickers_used/123123123123123.png"),
        (AttachmentStatus.IN_EXPORT, "audio/audioclip11111.mp4"),
        (AttachmentStatus.IN_EXPORT, "files/blabla.docx"),
    ]


def test_mis_encoded_names_text_and_title_are_repaired(tmp_path: Path) -> None:
    thread = messenger_thread(
        [
            messenger_message("Zoë Ångström", T0, "Café at the harbour 😆"),
            messenger_message("Bob", T0 + 1000, "Ça va? Привет"),
        ]
    )
    assert "\\u00c3\\u00ab" in json.dumps(thread)  # "ë" as Facebook writes it
    events = _read(thread, tmp_path)
    conversation = events[0]
    assert isinstance(conversation, ConversationRecord)
    assert conversation.title == "Zoë Ångström"
    assert conversation.details["participants"] == ["Zoë Ångström", "Bob"]
    assert [(m.sender.name if m.sender else "", m.text) for m in _messages(events)] == [
        ("Zoë Ångström", "Café at the harbour 😆"),
        ("Bob", "Ça va? Привет"),
    ]


def test_text_that_does_not_round_trip_is_left_as_written() -> None:
    assert repair_text(mojibake("naïve")) == "naïve"
    assert repair_text("naïve") == "naïve"  # already right: "ï" alone is no UTF-8
    assert repair_text("Привет 😆") == "Привет 😆"  # beyond latin-1: cannot be mis-encoded
    assert repair_text("plain") == "plain"
    assert repair_text(None) == ""


def test_messages_are_yielded_oldest_first_whatever_the_file_order(tmp_path: Path) -> None:
    thread = messenger_thread(
        [messenger_message("Bob", T0 + step * 1000, f"m{step}") for step in range(5)]
    )
    assert [m["content"] for m in thread["messages"]] == ["m4", "m3", "m2", "m1", "m0"]
    messages = _messages(_read(thread, tmp_path))
    assert [m.text for m in messages] == ["m0", "m1", "m2", "m3", "m4"]
    assert [m.platform_id for m in messages] == ["5", "4", "3", "2", "1"]  # places in the file
    assert messages[0].sent_at == datetime.fromtimestamp(T0 / 1000, UTC)
    thread["messages"].reverse()  # a file already oldest first stays so
    assert [m.text for m in _messages(_read(thread, tmp_path))] == ["m0", "m1", "m2", "m3", "m4"]


def test_reactions_shares_calls_and_unsent_messages_are_kept(tmp_path: Path) -> None:
    thread = messenger_thread(
        [
            messenger_message(
                "Bob",
                T0,
                "look",
                reactions=[{"reaction": mojibake("❤"), "actor": mojibake("Zoë Ångström")}],
                share={"link": "https://example.org/harbour", "share_text": mojibake("Há")},
                type="Share",
            ),
            messenger_message(
                "Zoë Ångström", T0 + 1, "Zoë called you.", type="Call", call_duration=56
            ),
            messenger_message(
                "Bob", T0 + 2, "Bob added Ann.", type="Subscribe", users=[{"name": "Ann"}]
            ),
            messenger_message("Bob", T0 + 3, is_unsent=True),
        ]
    )
    share, call, subscribe, unsent = _messages(_read(thread, tmp_path))
    assert share.details["reactions"] == [{"emoji": "❤", "actor": "Zoë Ångström"}]
    assert share.link_targets == ["https://example.org/harbour"]
    assert share.details["share_text"] == "Há" and not share.is_service
    assert (call.is_service, call.service_action, call.details["call_duration"]) == (
        True,
        "call",
        56,
    )
    assert call.sender is not None and call.sender.name == "Zoë Ångström"
    assert subscribe.service_action == "subscribe" and subscribe.details["users"] == ["Ann"]
    assert unsent.details == {"unsent": True} and unsent.text == ""


def test_attachment_uris_in_the_thread_folder_elsewhere_remote_and_escaping(
    tmp_path: Path,
) -> None:
    folder = "your_facebook_activity/messages/inbox/zoeangstrom_1234567890"
    thread = messenger_thread(
        [
            messenger_message(
                "Bob",
                T0,
                photos=[{"uri": f"{folder}/photos/1.jpg", "creation_timestamp": 1}],
                videos=[{"uri": f"{folder}/videos/2.mp4"}],
                gifs=[{"uri": "https://cdn.example.org/3.gif"}],
                files=[{"uri": "../../../etc/passwd"}],
            )
        ]
    )
    events = _read(thread, tmp_path)
    (message,) = _messages(events)
    assert [(a.kind, a.status, a.path or a.url) for a in message.attachments] == [
        ("photo", AttachmentStatus.IN_EXPORT, "photos/1.jpg"),
        ("video", AttachmentStatus.IN_EXPORT, "videos/2.mp4"),
        ("gif", AttachmentStatus.REMOTE, "https://cdn.example.org/3.gif"),
        ("file", AttachmentStatus.REJECTED, "../../../etc/passwd"),
    ]
    assert message.attachments[0].file_name == "1.jpg"
    assert _warnings(events) == ["attachment_path_rejected"]


def test_the_placeholder_name_of_deleted_accounts_is_only_an_id_inside_its_export(
    tmp_path: Path,
) -> None:
    thread = messenger_thread(
        [messenger_message("Facebook user", T0, "gone"), messenger_message("Bob", T0 + 1, "hi")]
    )
    gone, bob = (m.sender for m in _messages(_read(thread, tmp_path)))
    assert gone is not None and gone.export_scoped
    assert bob is not None and not bob.export_scoped and bob.platform_id == "name:Bob"


def test_a_group_thread_keeps_its_type_and_an_instagram_one_says_so(tmp_path: Path) -> None:
    thread = messenger_thread(
        [
            messenger_message(
                "Bob",
                T0,
                photos=[{"uri": "your_instagram_activity/messages/inbox/crew_1/photos/1.jpg"}],
            )
        ],
        participants=("Bob", "Ann", "Cy"),
        title="crew",
        thread_path="inbox/crew_1",
        thread_type="RegularGroup",
    )
    conversation = _read(thread, tmp_path)[0]
    assert (conversation.kind, conversation.platform_id) == ("RegularGroup", "inbox/crew_1")
    assert conversation.details["service"] == "instagram"


def test_a_truncated_file_keeps_every_complete_message_and_says_so(tmp_path: Path) -> None:
    thread = messenger_thread(
        [messenger_message("Bob", T0 + step, f"message {step}") for step in range(100)]
    )
    data = json.dumps(thread, indent=1).encode()
    cut = data[: data.index(b"message 50")]
    events = _read_bytes(cut, tmp_path)
    messages = _messages(events)
    # Newest first in the file: the cut loses the oldest ones.
    assert [m.text for m in messages] == [f"message {step}" for step in range(51, 100)]
    assert _warnings(events) == ["truncated"]
    conversation = events[0]
    assert isinstance(conversation, ConversationRecord) and conversation.title == ""


def test_binary_junk_and_json_that_is_not_messenger_are_a_clear_warning(
    tmp_path: Path,
) -> None:
    for data in (
        bytes(range(256)) * 10,
        b"",
        b"[1, 2, 3]",
        b'{"id": 1, "messages": []}',
        json.dumps(telegram_chat([telegram_message(1)])).encode(),
    ):
        events = _read_bytes(data, tmp_path)
        assert _messages(events) == [], data[:40]
        assert _warnings(events)[0] == "not_messenger", data[:40]
    assert _warnings(_read_bytes(b"", tmp_path)) == ["not_messenger", "truncated"]
    # Cut in its participants: a Messenger thread still, with no message and the damage said.
    events = _read_bytes(b'{"participants": [{"name": "Bob"}, {"na', tmp_path)
    assert isinstance(events[0], ConversationRecord) and _messages(events) == []
    assert _warnings(events) == ["truncated", "no_messages"]


def test_entries_that_are_not_messages_are_counted_not_fatal(tmp_path: Path) -> None:
    thread = messenger_thread([messenger_message("Bob", T0, "ok")])
    thread["messages"].append("not a message")
    events = _read(thread, tmp_path)
    assert [m.text for m in _messages(events)] == ["ok"]
    assert _warnings(events) == ["malformed_message"]
