"""Chat exports through triage: found by content, imported once, linked to their files, with
entities, full-text search and watch-list suggestions, on the instance's database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.builders.seizure import photo_bytes
from tests.chats.builders import (
    BITCOIN_GENESIS,
    FILE_NOT_INCLUDED,
    rocketchat_message,
    rocketchat_zip,
    telegram_message,
    write_telegram_chat,
)

pytestmark = pytest.mark.usefixtures("django_instance")


def _triage(case: str, path: Path) -> None:
    from vigil.pipeline.service import triage

    triage(case, path, executor="inline", workers=1)


def _telegram_seizure(root: Path) -> Path:
    export = root / "phone" / "Telegram Desktop" / "ChatExport_2024-03-01"
    messages = [
        telegram_message(1, "Meet at the harbour, pay to " + BITCOIN_GENESIS),
        telegram_message(2, "", photo="photos/photo_1.jpg", width=8, height=8),
        telegram_message(3, "", file=FILE_NOT_INCLUDED, media_type="video_file"),
        telegram_message(4, "nothing here", file="../../../../etc/passwd", reply_to_message_id=1),
        telegram_message(5, "call +44 20 7946 0958", **{"from": "Bob", "from_id": "user222"}),
    ]
    write_telegram_chat(export, messages)
    (export / "photos").mkdir()
    (export / "photos" / "photo_1.jpg").write_bytes(photo_bytes(3))
    return root


def _case(name: str) -> Any:
    from vigil.records.cases.models import Case

    return Case.objects.get(name=name)


def test_triage_imports_a_telegram_export_with_its_photo_entities_and_search(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.chats.importing.queries import search_messages
    from vigil.records.chats.models import (
        Attachment,
        ChatExport,
        Conversation,
        EntityMention,
        Message,
    )

    _triage(case_name, _telegram_seizure(tmp_path / "seizure"))
    case = _case(case_name)
    (export,) = ChatExport.objects.filter(case=case)
    assert export.status == "complete" and export.messages == 5
    (conversation,) = Conversation.objects.filter(case=case)
    assert (conversation.platform, conversation.title, conversation.message_count) == (
        "telegram",
        "Bob",
        5,
    )
    attachments = {
        a.message.platform_id: a
        for a in Attachment.objects.filter(message__conversation=conversation)
    }
    assert attachments["2"].status == "linked"
    assert attachments["2"].item is not None
    assert attachments["2"].item.path.endswith("ChatExport_2024-03-01/photos/photo_1.jpg")
    assert attachments["3"].status == "not_included"
    assert attachments["4"].status == "rejected" and attachments["4"].item is None
    assert [w["code"] for w in export.warnings] == ["attachment_path_rejected"]
    values = set(
        EntityMention.objects.filter(case=case).values_list("entity__kind", "entity__value")
    )
    assert values == {("crypto", BITCOIN_GENESIS), ("phone", "+442079460958")}
    found = search_messages(case, "harbour")
    assert [m.platform_id for m in found] == ["1"]
    assert Message.objects.get(conversation=conversation, platform_id="1").language == "en"


def test_a_second_triage_imports_nothing_twice(tmp_path: Path, case_name: str) -> None:
    from vigil.chats.importing.importer import import_case_chats
    from vigil.pipeline.service import instance_store
    from vigil.records.chats.models import Message

    seizure = _telegram_seizure(tmp_path / "seizure")
    _triage(case_name, seizure)
    summary = import_case_chats(_case(case_name), instance_store())
    assert summary.exports == 0
    assert Message.objects.filter(conversation__case__name=case_name).count() == 5


def test_a_copy_of_an_export_elsewhere_in_the_seizure_is_recorded_as_a_duplicate(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.records.chats.models import ChatExport, Message

    seizure = _telegram_seizure(tmp_path / "seizure")
    shutil.copytree(seizure / "phone", seizure / "backup")
    _triage(case_name, seizure)
    statuses = sorted(
        ChatExport.objects.filter(case__name=case_name).values_list("status", flat=True)
    )
    assert statuses == ["complete", "duplicate"]
    assert Message.objects.filter(conversation__case__name=case_name).count() == 5


def test_an_interrupted_import_is_cleared_and_done_again(tmp_path: Path, case_name: str) -> None:
    from vigil.chats.importing.importer import import_case_chats
    from vigil.pipeline.service import instance_store
    from vigil.records.chats.models import ChatExport, Message

    _triage(case_name, _telegram_seizure(tmp_path / "seizure"))
    ChatExport.objects.filter(case__name=case_name).update(status="running")
    summary = import_case_chats(_case(case_name), instance_store())
    assert summary.exports == 1
    assert Message.objects.filter(conversation__case__name=case_name).count() == 5


def test_the_shared_discord_sample_imports_with_repeats_dropped(
    tmp_path: Path, case_name: str, shared_data: Path
) -> None:
    from vigil.records.chats.models import ChatExport, Conversation, Participant

    seizure = tmp_path / "seizure"
    seizure.mkdir()
    sample = shared_data / "chat-analytics" / "tests" / "samples" / "discord" / "SV_5A_5M.json"
    shutil.copy(sample, seizure / "general-chiptune.json")
    _triage(case_name, seizure)
    conversation = Conversation.objects.get(case__name=case_name)
    # The file holds one message twice (same id, same content): stored once, with a warning
    # (chat-analytics' count of 5 includes the repeat).
    assert conversation.message_count == 4
    export = ChatExport.objects.get(case__name=case_name)
    assert "repeated_messages" in [warning["code"] for warning in export.warnings]
    names = dict(
        Participant.objects.filter(case__name=case_name).values_list("platform_id", "display_name")
    )
    assert names["111111111111111111"] == "mlomb"


def test_a_rocketchat_zip_links_its_assets_and_scopes_its_anonymous_users(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.records.chats.models import Attachment, Participant

    attachment = {"type": "file", "fileId": "f1", "fileName": "photo.jpg"}
    data = rocketchat_zip(
        {
            "general": [
                rocketchat_message("hello"),
                rocketchat_message("pic", attachments=[attachment]),
            ]
        },
        {"f1-photo.jpg": photo_bytes(5)},
    )
    seizure = tmp_path / "seizure"
    seizure.mkdir()
    (seizure / "export.zip").write_bytes(data)
    _triage(case_name, seizure)
    (linked,) = Attachment.objects.filter(message__conversation__case__name=case_name)
    assert linked.status == "linked" and linked.item is not None
    assert linked.item.path == "export.zip!/assets/f1-photo.jpg"
    (participant,) = Participant.objects.filter(case__name=case_name)
    assert participant.platform_id == "User_1" and participant.scope.startswith("export:")


def test_watch_list_hits_are_suggestions_with_provenance_that_a_person_decides(
    tmp_path: Path, case_name: str
) -> None:
    from django.contrib.auth.models import User

    from vigil.chats.importing.watchlists import TermSpec, save_list
    from vigil.governance.decisions import decide
    from vigil.records.analysis.models import Suggestion
    from vigil.records.chats.models import Message

    save_list(f"{case_name}-places", [TermSpec("HARBOUR", label="meeting place")], actor="tester")
    _triage(case_name, _telegram_seizure(tmp_path / "seizure"))
    suggestions = Suggestion.objects.filter(case__name=case_name, tool="chat-watchlist")
    mine = [s for s in suggestions if s.data["watch_list"] == f"{case_name}-places"]
    assert len(mine) == 1
    suggestion = mine[0]
    message = Message.objects.get(pk=suggestion.data["message"])
    start, end = suggestion.data["span"]
    assert message.text[start:end] == "harbour"
    lists = suggestion.run.parameters["watch_lists"]
    assert {"name": f"{case_name}-places", "version": 1, "terms": 1} in lists
    user = User.objects.create_user(f"{case_name}-reviewer"[:150])
    decide(suggestion, "confirmed", user, reason="seen", purpose="test")
    assert suggestion.decisions.get().verdict == "confirmed"


def test_queries_stay_inside_the_cases_they_are_given(tmp_path: Path, case_name: str) -> None:
    from vigil.chats.importing.queries import (
        contact_graph,
        entity_table,
        seen_in_other_cases,
        timeline,
    )
    from vigil.records.chats.models import Entity

    _triage(case_name + "-a", _telegram_seizure(tmp_path / "a"))
    _triage(case_name + "-b", _telegram_seizure(tmp_path / "b"))
    case_a, case_b = _case(case_name + "-a"), _case(case_name + "-b")
    wallet = Entity.objects.get(kind="crypto", value=BITCOIN_GENESIS)
    assert [
        row["name"]
        for row in seen_in_other_cases(wallet, {case_a.pk, case_b.pk}, exclude_case=case_a)
    ] == [case_b.name]
    assert seen_in_other_cases(wallet, {case_a.pk}, exclude_case=case_a) == []
    table = entity_table(case_a, kind="crypto", visible_case_ids={case_a.pk, case_b.pk})
    assert [(row["value"], row["mentions"], row["other_cases"]) for row in table] == [
        (BITCOIN_GENESIS, 1, 1)
    ]
    assert entity_table(case_a, kind="crypto", visible_case_ids={case_a.pk})[0]["other_cases"] == 0
    days = timeline(case_a)
    assert sum(row["messages"] for row in days) == 5
    assert {row["name"] for row in days} == {"Alice", "Bob"}
    graph = contact_graph(case_a)
    assert {node["label"] for node in graph["nodes"]} == {"Alice", "Bob"}
    assert [edge["type"] for edge in graph["edges"]] == ["conversation"]


def test_search_takes_any_user_text_without_syntax_errors(tmp_path: Path, case_name: str) -> None:
    from vigil.chats.importing.queries import search_messages

    _triage(case_name, _telegram_seizure(tmp_path / "seizure"))
    case = _case(case_name)
    for query in ['"unbalanced', "AND OR NOT", "harb*", "a-b:c", '"at the harbour"', "(x"]:
        list(search_messages(case, query))
    assert [m.platform_id for m in search_messages(case, "harb*")] == ["1"]
    assert [m.platform_id for m in search_messages(case, '"at the harbour"')] == ["1"]
    assert list(search_messages(case, "harbour missing")) == []


def test_json_details_of_an_import_hold_no_message_text(tmp_path: Path, case_name: str) -> None:
    from vigil.records.audit.models import AuditEntry
    from vigil.records.chats.models import ChatExport

    _triage(case_name, _telegram_seizure(tmp_path / "seizure"))
    export = ChatExport.objects.get(case__name=case_name)
    entry = AuditEntry.objects.filter(action="chats.import", case_name=case_name).get()
    stored = json.dumps([export.warnings, export.provenance, entry.details])
    assert "harbour" not in stored and BITCOIN_GENESIS not in stored
