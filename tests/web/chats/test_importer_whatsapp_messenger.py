"""WhatsApp and Messenger exports through triage, as the Telegram ones in test_importer.py:
found by content among the seizure's files, imported once (a WhatsApp ZIP, not its chat text
a second time), with senders, local times, linked media, entities, and damage as warnings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes
from tests.chats.builders import (
    mark_first_member_encrypted,
    messenger_message,
    messenger_thread,
    whatsapp_zip,
)

pytestmark = pytest.mark.usefixtures("django_instance")

SAMPLES = {
    "tests/samples/whatsapp/2A_5M.txt": ("whatsapp", 5),
    "tests/samples/whatsapp/4A_11M.txt": ("whatsapp", 11),
    "tests/samples/whatsapp/4A_11M.zip": ("whatsapp", 11),
    "tests/samples/messenger/2A_7M.json": ("messenger", 7),
}


def _triage(case: str, path: Path) -> None:
    from vigil.pipeline.service import triage

    triage(case, path, executor="inline", workers=1)


def _expected(shared_data: Path, sample: str) -> dict[str, Any]:
    samples = json.loads((shared_data / "chat-analytics" / "EXPECTED.json").read_text())
    expected = samples["samples"][sample]
    return samples["samples"][expected.get("same_expectations_as", sample)]


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_the_shared_samples_land_as_conversations_with_their_messages_and_authors(
    tmp_path: Path, case_name: str, shared_data: Path, sample: str
) -> None:
    from vigil.records.chats.models import ChatExport, Conversation, Message, Participant

    platform, count = SAMPLES[sample]
    seizure = tmp_path / "seizure"
    folder = seizure / "phone"
    if platform == "messenger":  # where a download of Facebook data puts a thread
        folder = seizure / "facebook" / "messages" / "inbox" / "alice_aaaaaaaaaa"
    folder.mkdir(parents=True)
    shutil.copy(shared_data / "chat-analytics" / sample, folder / Path(sample).name)
    _triage(case_name, seizure)
    (export,) = ChatExport.objects.filter(case__name=case_name)
    assert (export.status, export.platform) == ("complete", platform)
    assert Path(export.item.name).name == Path(sample).name  # the ZIP, not its _chat.txt as well
    assert export.provenance["reader"] == f"vigil.chats.{platform}"
    (conversation,) = Conversation.objects.filter(case__name=case_name)
    said = Message.objects.filter(conversation=conversation, is_service=False)
    assert said.count() == count
    names = set(
        Participant.objects.filter(case__name=case_name).values_list("display_name", flat=True)
    )
    assert names == {author["name"] for author in _expected(shared_data, sample)["authors"]}
    assert set(said.values_list("time_is_local", flat=True)) == {platform == "whatsapp"}
    if sample.endswith("4A_11M.txt"):
        assert conversation.title == "Some cool group chat" and conversation.kind == "group"
        assert Message.objects.filter(conversation=conversation, is_service=True).count() == 3


def test_a_whatsapp_zip_links_its_media_and_finds_entities(tmp_path: Path, case_name: str) -> None:
    from vigil.records.chats.models import Attachment, Conversation, EntityMention, Message

    chat = (
        "13/01/2020, 10:00 - Ana: call +44 20 7946 0958\n"
        "13/01/2020, 10:01 - Ben: IMG-20200113-WA0001.jpg (file attached)\n"
        "the harbour\n"
        "13/01/2020, 10:02 - Ben: <Media omitted>\n"
    )
    data = whatsapp_zip(
        chat, {"IMG-20200113-WA0001.jpg": photo_bytes(4)}, member="WhatsApp Chat with Ana.txt"
    )
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    (seizure / "WhatsApp Chat with Ana.zip").write_bytes(data)
    _triage(case_name, seizure)
    conversation = Conversation.objects.get(case__name=case_name)
    assert (conversation.platform, conversation.title, conversation.message_count) == (
        "whatsapp",
        "Ana",
        3,
    )
    linked, left_out = Attachment.objects.filter(message__conversation=conversation).order_by("pk")
    assert linked.status == "linked" and linked.item is not None
    assert linked.item.path == "WhatsApp Chat with Ana.zip!/IMG-20200113-WA0001.jpg"
    assert linked.message.text == "the harbour"
    assert left_out.status == "not_included"
    values = set(
        EntityMention.objects.filter(case__name=case_name).values_list(
            "entity__kind", "entity__value"
        )
    )
    assert values == {("phone", "+442079460958")}
    first = Message.objects.get(conversation=conversation, platform_id="1")
    assert first.time_is_local and first.sent_at is not None
    assert (first.sent_at.hour, first.sent_at.minute) == (10, 0)


def test_a_whatsapp_text_file_links_the_media_beside_it_and_takes_its_name(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.records.chats.models import Attachment, Conversation

    folder = tmp_path / "seizure" / "Download"
    folder.mkdir(parents=True)
    (folder / "WhatsApp Chat with Ben.txt").write_text(
        "[13/01/2020, 10:00:00] Ben: \u200e<attached: 00000001-PHOTO-2020-01-13-10-00-00.jpg>\n",
        encoding="utf-8",
    )
    (folder / "00000001-PHOTO-2020-01-13-10-00-00.jpg").write_bytes(photo_bytes(6))
    _triage(case_name, tmp_path / "seizure")
    conversation = Conversation.objects.get(case__name=case_name)
    assert conversation.title == "Ben"
    (attachment,) = Attachment.objects.filter(message__conversation=conversation)
    assert attachment.status == "linked" and attachment.item is not None
    assert attachment.item.path.endswith("Download/00000001-PHOTO-2020-01-13-10-00-00.jpg")


def test_a_messenger_thread_is_repaired_ordered_and_linked_to_its_photos(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.records.chats.models import Attachment, Conversation, Message, Participant

    folder = tmp_path / "seizure" / "messages" / "inbox" / "zoeangstrom_1234567890"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "1.jpg").write_bytes(photo_bytes(8))
    uri = "messages/inbox/zoeangstrom_1234567890/photos/1.jpg"
    thread = messenger_thread(
        [
            messenger_message("Zoë Ångström", 1_700_000_000_000, "Café at the harbour"),
            messenger_message("Bob", 1_700_000_060_000, photos=[{"uri": uri}]),
        ]
    )
    (folder / "message_1.json").write_text(json.dumps(thread))
    _triage(case_name, tmp_path / "seizure")
    conversation = Conversation.objects.get(case__name=case_name)
    assert (conversation.platform, conversation.title) == ("messenger", "Zoë Ångström")
    texts = list(
        Message.objects.filter(conversation=conversation)
        .order_by("pk")
        .values_list("sender__display_name", "text")
    )
    assert texts == [("Zoë Ångström", "Café at the harbour"), ("Bob", "")]
    (attachment,) = Attachment.objects.filter(message__conversation=conversation)
    assert attachment.status == "linked" and attachment.item is not None
    assert attachment.item.path.endswith("zoeangstrom_1234567890/photos/1.jpg")
    assert set(
        Participant.objects.filter(case__name=case_name).values_list("platform_id", flat=True)
    ) == {
        "name:Zoë Ångström",
        "name:Bob",
    }


def test_a_recognised_export_that_cannot_be_read_is_recorded_with_its_issue(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.records.chats.models import ChatExport

    seizure = tmp_path / "seizure"
    seizure.mkdir()
    data = mark_first_member_encrypted(whatsapp_zip("13/01/2020, 10:00 - Ana: hi\n"))
    (seizure / "WhatsApp Chat - Ana.zip").write_bytes(data)
    thread = json.dumps(
        messenger_thread(
            [messenger_message("Bob", 1_700_000_000_000 + i, f"m{i}") for i in range(50)]
        )
    )
    (seizure / "message_1.json").write_text(thread[: len(thread) // 2])
    _triage(case_name, seizure)
    exports = {
        export.platform: export for export in ChatExport.objects.filter(case__name=case_name)
    }
    assert set(exports) == {"whatsapp", "messenger"}
    whatsapp, messenger = exports["whatsapp"], exports["messenger"]
    assert (whatsapp.status, whatsapp.messages, whatsapp.conversations) == ("complete", 0, 0)
    assert [w["code"] for w in whatsapp.warnings] == ["unreadable"]
    assert messenger.status == "complete" and 0 < messenger.messages < 50
    assert "truncated" in [w["code"] for w in messenger.warnings]


def test_a_reader_failing_on_a_file_ends_its_import_with_a_warning_not_a_crash(
    tmp_path: Path, case_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.chats.importing import importer
    from vigil.chats.records import ConversationRecord, MessageRecord, Platform
    from vigil.records.chats.models import ChatExport

    def failing(platform: Platform, open_export: Any) -> Any:
        yield ConversationRecord(platform=platform, platform_id="", title="", kind="")
        yield MessageRecord(platform_id="1", sent_at=None, sender=None, text="before")
        raise ValueError("a reader bug")

    monkeypatch.setattr(importer, "read_export", failing)
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    (seizure / "chat.txt").write_text("13/01/2020, 10:00 - Ana: hi\n")
    _triage(case_name, seizure)
    export = ChatExport.objects.get(case__name=case_name)
    assert (export.status, export.messages) == ("complete", 1)
    assert [w["code"] for w in export.warnings] == ["unreadable"]
    assert "ValueError" in export.warnings[0]["message"]
