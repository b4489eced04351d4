"""WhatsApp "Export chat" text files and ZIPs: the shared third-party samples, and generated
exports in the iOS and Android layouts and their locale variants (date order, separators,
years, 12 h and 24 h clocks), with continuation lines, group events, attachments and damage."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.chats.builders import mark_first_member_encrypted, whatsapp_zip
from vigil.chats.readers import read_export
from vigil.chats.records import (
    AttachmentStatus,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    Platform,
)
from vigil.chats.whatsapp import title_from_file_name

LRM, RLM, NNBSP, NBSP = "\u200e", "\u200f", "\u202f", "\u00a0"
SAMPLES = ("tests/samples/whatsapp/2A_5M.txt", "tests/samples/whatsapp/4A_11M.txt")


def _read_bytes(data: bytes, tmp_path: Path, name: str = "chat.txt") -> list[Any]:
    path = tmp_path / name
    path.write_bytes(data)
    return _read_path(path)


def _read_path(path: Path) -> list[Any]:
    return list(read_export(Platform.WHATSAPP, lambda: open(path, "rb")))


def _read(text: str, tmp_path: Path) -> list[Any]:
    return _read_bytes(text.encode("utf-8"), tmp_path)


def _conversation(events: list[Any]) -> ConversationRecord:
    (conversation,) = [e for e in events if isinstance(e, ConversationRecord)]
    return conversation


def _messages(events: list[Any]) -> list[MessageRecord]:
    return [event for event in events if isinstance(event, MessageRecord)]


def _said(events: list[Any]) -> list[MessageRecord]:
    return [message for message in _messages(events) if not message.is_service]


def _warnings(events: list[Any]) -> list[str]:
    return [event.code for event in events if isinstance(event, ImportWarning)]


def _local(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def _shape(events: list[Any]) -> list[tuple[str, datetime | None, str]]:
    return [(m.sender.name if m.sender else "", m.sent_at, m.text) for m in _messages(events)]


@pytest.mark.parametrize("sample", [*SAMPLES, "tests/samples/whatsapp/4A_11M.zip"])
def test_the_shared_samples_give_exactly_the_expected_messages_and_authors(
    shared_data: Path, sample: str
) -> None:
    root = shared_data / "chat-analytics"
    samples = json.loads((root / "EXPECTED.json").read_text())["samples"]
    expected = samples[sample]
    expected = (
        samples[expected["same_expectations_as"]]
        if "same_expectations_as" in expected
        else expected
    )
    events = _read_path(root / sample)
    said = _said(events)
    # The file names count the messages: 2A_5M holds 5, 4A_11M holds 11 (and three group
    # events, which are nobody's message).
    assert len(said) == int(sample.rsplit("_", 1)[1].split("M")[0])
    assert {m.sender.name for m in said if m.sender} == {a["name"] for a in expected["authors"]}
    assert all(m.time_is_local for m in _messages(events))
    for want in expected["messages"]:
        moment = datetime.fromisoformat(want["timestamp_local"]).replace(tzinfo=UTC)
        matches = [
            m
            for m in said
            if m.sender is not None
            and m.sender.name == want["authorId"]
            and m.sent_at == moment
            and m.text == want.get("textContent", "")
        ]
        assert len(matches) == 1, want
        if want.get("attachments"):
            assert [a.status for a in matches[0].attachments] == [AttachmentStatus.NOT_INCLUDED]
    kind = expected["channels"][0]["type"]
    assert _conversation(events).kind == ("group" if kind == "group" else "individual")


def test_the_shared_group_sample_has_its_title_and_its_events_without_authors(
    shared_data: Path,
) -> None:
    path = shared_data / "chat-analytics" / SAMPLES[1]
    events = _read_path(path)
    assert _conversation(events).title == "Some cool group chat"
    service = [m for m in _messages(events) if m.is_service]
    assert [(m.sender, m.service_action) for m in service] == [
        (None, "encryption"),
        (None, "group_created"),
        (None, "member_added"),
    ]
    # 12/9/20 could be either order: read day first, and said so.
    assert _messages(events)[3].sent_at == _local(2020, 9, 12, 23, 55)
    assert "date_order_ambiguous" in _warnings(events)


def test_an_ios_export_in_24_hour_day_first_order_yields_every_message(tmp_path: Path) -> None:
    chat = (
        f"[03/04/2021, 09:15:02] Alice: {LRM}Messages and calls are end-to-end encrypted.\r\n"
        "[03/04/2021, 09:15:02] Alice: Morning\r\n"
        "[03/04/2021, 21:40:59] Bob: Meet at the harbour\r\n"
        "second line of it\r\n"
        "\r\n"
        "third line, after a blank one\r\n"
        "[25/04/2021, 00:01:00] Alice: ok\r\n"
    )
    events = _read(chat, tmp_path)
    assert _shape(events) == [
        ("Alice", _local(2021, 4, 3, 9, 15, 2), "Messages and calls are end-to-end encrypted."),
        ("Alice", _local(2021, 4, 3, 9, 15, 2), "Morning"),
        (
            "Bob",
            _local(2021, 4, 3, 21, 40, 59),
            "Meet at the harbour\nsecond line of it\n\nthird line, after a blank one",
        ),
        ("Alice", _local(2021, 4, 25, 0, 1), "ok"),
    ]
    messages = _messages(events)
    assert messages[0].is_service and messages[0].service_action == "encryption"
    assert [m.platform_id for m in messages] == ["1", "2", "3", "7"]  # their header lines
    assert all(m.time_is_local for m in messages)
    assert messages[1].sender is not None and messages[1].sender.platform_id == "name:Alice"
    conversation = _conversation(events)
    assert conversation.details["format"] == "ios"
    assert conversation.details["date_order"] == "day_first"
    assert conversation.kind == "individual"
    assert _warnings(events) == []  # 25/04 proves the order


def test_an_android_export_in_12_hour_month_first_order_with_two_digit_years(
    tmp_path: Path,
) -> None:
    chat = (
        f"1/5/21, 9:05{NNBSP}PM - Alice: evening\n"
        f"1/13/21, 12:00{NNBSP}AM - Bob: midnight\n"
        "1/13/21, 12:30 pm - Bob: noon\n"
        "1/14/21, 11:59 am - Alice: late morning\n"
    )
    events = _read(chat, tmp_path)
    assert _shape(events) == [
        ("Alice", _local(2021, 1, 5, 21, 5), "evening"),
        ("Bob", _local(2021, 1, 13, 0, 0), "midnight"),
        ("Bob", _local(2021, 1, 13, 12, 30), "noon"),
        ("Alice", _local(2021, 1, 14, 11, 59), "late morning"),
    ]
    conversation = _conversation(events)
    assert (conversation.details["format"], conversation.details["date_order"]) == (
        "android",
        "month_first",
    )
    assert _warnings(events) == []


def test_spanish_a_m_and_p_m_with_dotted_dates_and_no_break_spaces(tmp_path: Path) -> None:
    chat = (
        f"14.02.2022, 9:05{NBSP}a.{NBSP}m. - Lucía: buenos días\n"
        f"14.02.2022, 4:30{NNBSP}p. m. - Íñigo: hasta luego\n"
        "15.02.2022, 12:01 a. m. - Lucía: ya es mañana\n"
    )
    assert _shape(_read(chat, tmp_path)) == [
        ("Lucía", _local(2022, 2, 14, 9, 5), "buenos días"),
        ("Íñigo", _local(2022, 2, 14, 16, 30), "hasta luego"),
        ("Lucía", _local(2022, 2, 15, 0, 1), "ya es mañana"),
    ]


def test_dash_separated_and_year_first_dates_with_and_without_seconds(tmp_path: Path) -> None:
    dashed = "[13-06-19, 08:00] Ana: with dashes\n[13-06-19, 08:01:30] Ben: and seconds\n"
    assert _shape(_read(dashed, tmp_path)) == [
        ("Ana", _local(2019, 6, 13, 8, 0), "with dashes"),
        ("Ben", _local(2019, 6, 13, 8, 1, 30), "and seconds"),
    ]
    year_first = "2019-06-13, 08:00 - Ana: year first\n2019-06-14 17:45 - Ben: no comma\n"
    events = _read(year_first, tmp_path)
    assert _shape(events) == [
        ("Ana", _local(2019, 6, 13, 8, 0), "year first"),
        ("Ben", _local(2019, 6, 14, 17, 45), "no comma"),
    ]
    assert _warnings(events) == []


def test_ambiguous_dates_are_read_day_first_and_said_so(tmp_path: Path) -> None:
    events = _read("01/02/2020, 10:00 - Ana: hi\n01/02/2020, 10:05 - Ben: hello\n", tmp_path)
    assert [m.sent_at for m in _messages(events)] == [
        _local(2020, 2, 1, 10, 0),
        _local(2020, 2, 1, 10, 5),
    ]
    assert _warnings(events) == ["date_order_ambiguous"]
    assert _conversation(events).details["date_order"] == "day_first"


def test_without_proof_the_order_that_keeps_time_moving_forward_is_chosen(
    tmp_path: Path,
) -> None:
    chat = "1/2/20, 10:00 - Ana: a\n1/3/20, 10:00 - Ana: b\n2/1/20, 10:00 - Ana: c\n"
    events = _read(chat, tmp_path)
    assert [m.sent_at for m in _messages(events)] == [
        _local(2020, 1, 2, 10),
        _local(2020, 1, 3, 10),
        _local(2020, 2, 1, 10),
    ]
    assert _warnings(events) == ["date_order_ambiguous"]


def test_android_group_events_are_service_events_not_messages_from_a_person(
    tmp_path: Path,
) -> None:
    chat = (
        '12/09/2020, 23:16 - Alice created group "Harbour"\n'
        "12/09/2020, 23:17 - Alice added Bob\n"
        '12/09/2020, 23:18 - Alice changed the subject from "Harbour" to "Plan: B"\n'
        "12/09/2020, 23:19 - Bob left\n"
        "12/09/2020, 23:20 - Alice: see you: at nine\n"
    )
    events = _read(chat, tmp_path)
    messages = _messages(events)
    assert [(m.is_service, m.sender, m.service_action) for m in messages[:4]] == [
        (True, None, "group_created"),
        (True, None, "member_added"),
        (True, None, "subject_changed"),
        (True, None, "member_left"),
    ]
    assert messages[2].text == 'Alice changed the subject from "Harbour" to "Plan: B"'
    last = messages[4]
    assert last.sender is not None and last.sender.name == "Alice"
    assert last.text == "see you: at nine"  # only the first ": " ends the name
    conversation = _conversation(events)
    assert (conversation.title, conversation.kind) == ("Harbour", "group")


def test_ios_group_events_written_under_the_group_name_are_service_events(
    tmp_path: Path,
) -> None:
    chat = (
        f"{LRM}[12/09/2020, 23:16:01] Harbour: {LRM}Messages and calls are end-to-end encrypted.\n"
        f"{LRM}[12/09/2020, 23:16:01] Harbour: {LRM}Alice created group “Harbour”\n"
        f"{LRM}[12/09/2020, 23:17:00] Harbour: {LRM}Alice added Bob\n"
        "[12/09/2020, 23:18:00] Alice: hello\n"
        f"{LRM}[12/09/2020, 23:19:00] Bob: {LRM}image omitted\n"
    )
    events = _read(chat, tmp_path)
    messages = _messages(events)
    assert [(m.is_service, m.sender) for m in messages[:3]] == [(True, None)] * 3
    assert messages[0].details == {"written_as": "Harbour"}
    assert [m.service_action for m in messages[:3]] == [
        "encryption",
        "group_created",
        "member_added",
    ]
    assert [(m.sender.name if m.sender else None) for m in messages[3:]] == ["Alice", "Bob"]
    assert all(LRM not in m.text for m in messages)
    conversation = _conversation(events)
    assert (conversation.title, conversation.kind) == ("Harbour", "group")


def test_attachments_are_references_in_the_export_or_left_out(tmp_path: Path) -> None:
    chat = (
        f"{LRM}[01/01/2020, 10:00:00] Ana: "
        f"{LRM}<attached: 00000012-PHOTO-2020-01-01-10-00-00.jpg>\n"
        f"{LRM}[01/01/2020, 10:00:05] Ana: {LRM}plan.pdf • {LRM}3 pages "
        f"{LRM}<attached: 00000013-plan.pdf>\n"
        f"{LRM}[01/01/2020, 10:01:00] Ben: {LRM}video omitted\n"
        "[01/01/2020, 10:02:00] Ben: IMG-20200101-WA0001.jpg (file attached)\n"
        "the harbour at night\n"
        "[01/01/2020, 10:03:00] Ben: PTT-20200101-WA0002.opus (Datei angehängt)\n"
        "[01/01/2020, 10:04:00] Ben: <Media omitted>\n"
        "[01/01/2020, 10:05:00] Ben: <attached: ../../etc/passwd>\n"
        "[13/01/2020, 10:06:00] Ana: I went to example.org (finally)\n"
    )
    events = _read(chat, tmp_path)
    got = [(m.text, [(a.kind, a.status, a.path) for a in m.attachments]) for m in _messages(events)]
    assert got == [
        ("", [("photo", AttachmentStatus.IN_EXPORT, "00000012-PHOTO-2020-01-01-10-00-00.jpg")]),
        ("plan.pdf • 3 pages", [("file", AttachmentStatus.IN_EXPORT, "00000013-plan.pdf")]),
        ("", [("video", AttachmentStatus.NOT_INCLUDED, "")]),
        (
            "the harbour at night",
            [("photo", AttachmentStatus.IN_EXPORT, "IMG-20200101-WA0001.jpg")],
        ),
        ("", [("voice", AttachmentStatus.IN_EXPORT, "PTT-20200101-WA0002.opus")]),
        ("", [("media", AttachmentStatus.NOT_INCLUDED, "")]),
        ("", [("file", AttachmentStatus.REJECTED, "../../etc/passwd")]),
        ("I went to example.org (finally)", []),
    ]
    assert "attachment_path_rejected" in _warnings(events)


def test_direction_marks_are_stripped_from_names_and_text(tmp_path: Path) -> None:
    chat = (
        f"{LRM}[01/01/2020, 10:00:00] \u202a+44 7700 900123\u202c: {RLM}שלום{LRM} there\n"
        "[13/01/2020, 10:00:00] Ana: hi\n"
    )
    first = _messages(_read(chat, tmp_path))[0]
    assert first.sender is not None and first.sender.name == "+44 7700 900123"
    assert first.text == "שלום there"


def test_edited_and_deleted_messages_are_marked(tmp_path: Path) -> None:
    chat = (
        "13/01/2020, 10:00 - Ana: new time <This message was edited>\n"
        "13/01/2020, 10:01 - Ben: This message was deleted\n"
    )
    edited, deleted = _messages(_read(chat, tmp_path))
    assert (edited.text, edited.details) == ("new time", {"edited": True})
    assert deleted.details == {"deleted": True} and not deleted.is_service


def test_a_zip_export_reads_its_chat_member_with_media_beside_it(tmp_path: Path) -> None:
    chat = "[13/01/2020, 10:00:00] Ana: <attached: 00000001-PHOTO-2020-01-13-10-00-00.jpg>\n"
    data = whatsapp_zip(
        chat,
        {"00000001-PHOTO-2020-01-13-10-00-00.jpg": b"\xff\xd8\xff"},
        member="WhatsApp Chat - Ana/_chat.txt",
    )
    events = _read_bytes(data, tmp_path, "export.zip")
    (message,) = _messages(events)
    assert [(a.status, a.path) for a in message.attachments] == [
        (AttachmentStatus.IN_EXPORT, "WhatsApp Chat - Ana/00000001-PHOTO-2020-01-13-10-00-00.jpg")
    ]
    assert _conversation(events).details["chat_member"] == "WhatsApp Chat - Ana/_chat.txt"


def test_an_android_zip_names_the_chat_after_its_text_file(tmp_path: Path) -> None:
    data = whatsapp_zip("13/01/2020, 10:00 - Ana: hi\n", member="WhatsApp Chat with Ana.txt")
    assert _conversation(_read_bytes(data, tmp_path, "x.zip")).title == "Ana"
    assert title_from_file_name("exports/WhatsApp Chat - Harbour.zip") == "Harbour"
    assert title_from_file_name("notes.txt") == ""


def test_an_encrypted_chat_member_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    data = mark_first_member_encrypted(whatsapp_zip("13/01/2020, 10:00 - Ana: hi\n"))
    events = _read_bytes(data, tmp_path, "export.zip")
    assert _messages(events) == []
    assert _warnings(events) == ["unreadable"]


def test_a_truncated_zip_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    data = whatsapp_zip("13/01/2020, 10:00 - Ana: hi\n" * 50, {"IMG-1.jpg": b"x" * 4000})
    events = _read_bytes(data[: len(data) // 2], tmp_path, "export.zip")
    assert _warnings(events) == ["unreadable"]


def test_a_text_cut_in_the_middle_of_a_character_keeps_every_message(tmp_path: Path) -> None:
    data = "13/01/2020, 10:00 - Ana: hi\n13/01/2020, 10:01 - Ben: café".encode()
    events = _read_bytes(data[:-1], tmp_path)
    assert [m.text for m in _messages(events)] == ["hi", "caf\ufffd"]
    assert "invalid_utf8" in _warnings(events)


def test_binary_junk_and_plain_text_yield_a_clear_warning_and_no_messages(
    tmp_path: Path,
) -> None:
    junk = bytes(range(256)) * 40
    events = _read_bytes(junk, tmp_path)
    assert _messages(events) == [] and _warnings(events) == ["no_messages"]
    events = _read("Dear Bob,\nsee you at the harbour.\n", tmp_path)
    assert _messages(events) == [] and _warnings(events) == ["no_messages"]


def test_text_before_the_first_header_is_reported(tmp_path: Path) -> None:
    events = _read("a stray line\n13/01/2020, 10:00 - Ana: hi\n", tmp_path)
    assert [m.text for m in _messages(events)] == ["hi"]
    assert _warnings(events) == ["text_before_first_message"]


def test_a_header_with_an_impossible_date_has_no_time_and_says_so(tmp_path: Path) -> None:
    chat = "13/01/2020, 10:00 - Ana: hi\n31/02/2020, 10:00 - Ana: no such day\n"
    events = _read(chat, tmp_path)
    assert [m.sent_at for m in _messages(events)] == [_local(2020, 1, 13, 10), None]
    assert not _messages(events)[1].time_is_local
    assert "bad_time" in _warnings(events)
