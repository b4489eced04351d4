"""The chat views of a case: the list, reader, timeline, contact graph, entities and the
evidence report, for members only (a non-member gets 404), every look audited."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from django.test import Client

from tests.web.chats.route_samples import SeededChat, seed_chat
from tests.web.personas import Person, make_person, seed_case, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")


def _chat_case(case_name: str, role: str = "investigator") -> tuple[SeededChat, Person, Client]:
    seeded = seed_case(case_name, with_suggestion=False)
    chat = seed_chat(seeded, entity_value=f"1Wallet{seeded.case.pk}")
    person = make_person(f"m-{case_name}", (role,), cases=(seeded.case,))
    return chat, person, sign_in(person)


def _urls(chat: SeededChat) -> dict[str, str]:
    case = chat.conversation.case_id
    return {
        "list": f"/cases/{case}/chats/",
        "reader": f"/cases/{case}/chats/{chat.conversation.pk}/",
        "timeline": f"/cases/{case}/chats/timeline/",
        "graph": f"/cases/{case}/chats/graph/",
        "entities": f"/cases/{case}/chats/entities/",
        "entity": f"/cases/{case}/chats/entities/{chat.entity.pk}/",
    }


def _entries(case_name: str, action: str) -> list[Any]:
    from vigil.records.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(case_name=case_name, action=action).order_by("seq"))


def test_a_member_sees_every_chat_view_of_the_case(case_name: str) -> None:
    chat, _, client = _chat_case(case_name, role="reviewer")
    pages = {name: client.get(url) for name, url in _urls(chat).items()}
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Harbour deal" in pages["list"].content.decode()
    wallet = chat.entity.value
    assert wallet in pages["entities"].content.decode()
    assert "Sent to" in pages["entity"].content.decode()


def test_a_non_member_gets_404_everywhere_and_the_refusal_is_audited(case_name: str) -> None:
    chat, _, _ = _chat_case(case_name)
    outsider = sign_in(make_person(f"o-{case_name}", ("supervisor",)))
    for url in _urls(chat).values():
        assert outsider.get(url).status_code == 404, url
    report = _urls(chat)["reader"] + "report/"
    assert outsider.post(report, {"format": "html", "reason": "x"}).status_code == 404
    [refused] = _entries(case_name, "chat.read")
    assert refused.outcome == "refused"


def test_a_conversation_of_another_case_is_not_found_through_this_case(case_name: str) -> None:
    chat, person, _ = _chat_case(case_name)
    other = seed_case(f"{case_name}-b", with_suggestion=False)
    make_person(f"m2-{case_name}", ("investigator",), cases=(other.case,))
    from vigil.records.accounts.models import CaseMembership

    CaseMembership.objects.create(user=person.user, case=other.case, added_by="tests")
    client = sign_in(person)
    url = f"/cases/{other.case.pk}/chats/{chat.conversation.pk}/"
    assert client.get(url).status_code == 404


def test_the_reader_shows_markers_entities_and_the_attachment_through_the_media_view(
    case_name: str,
) -> None:
    chat, _, client = _chat_case(case_name)
    page = client.get(_urls(chat)["reader"]).content.decode()
    assert "Alice" in page and "Bob" in page
    assert "reply to #1" in page and "forwarded from Carol" in page and "edited" in page
    assert "local time" in page
    entity_link = f"/cases/{chat.conversation.case_id}/chats/entities/{chat.entity.pk}/"
    assert f'<mark title="bitcoin"><a href="{entity_link}">{chat.entity.value}</a></mark>' in page
    photo = chat.messages[1].attachments.get().item
    assert f"/items/{photo.pk}/thumbnails/0/" in page
    assert f'<span class="thumb"><img src="/items/{photo.pk}/thumbnails/0/"' in page
    assert page.index("Meet at the harbour") < page.index("as agreed")
    [entry] = _entries(case_name, "chat.read")
    assert entry.outcome == "ok" and entry.details["messages"] == 3
    assert "harbour" not in json.dumps(entry.details).lower()


def test_the_reader_pages_forward_by_time_and_id(case_name: str) -> None:
    from vigil.web.chats.views import reader

    chat, _, client = _chat_case(case_name)
    url = _urls(chat)["reader"]
    saved = reader.PAGE_SIZE
    reader.PAGE_SIZE = 2
    try:
        first = client.get(url).content.decode()
        second = client.get(f"{url}?start={chat.messages[2].pk}").content.decode()
    finally:
        reader.PAGE_SIZE = saved
    assert "Meet at the harbour" in first and "as agreed" not in first
    assert f"?start={chat.messages[2].pk}" in first
    assert "as agreed" in second and "Meet at the harbour" not in second
    assert client.get(f"{url}?start=999999999").status_code == 404


def test_searching_a_conversation_finds_its_message(case_name: str) -> None:
    chat, _, client = _chat_case(case_name)
    page = client.get(_urls(chat)["reader"], {"q": "harbour"}).content.decode()
    assert "1 match" in page
    assert f"?start={chat.messages[0].pk}#m{chat.messages[0].pk}" in page


def test_the_timeline_is_an_inline_svg_of_messages_per_day_and_sender(case_name: str) -> None:
    chat, _, client = _chat_case(case_name)
    page = client.get(_urls(chat)["timeline"]).content.decode()
    bars = re.findall(r"<title>([^<]+)</title>", page)
    assert "2024-03-01 · Alice: 1" in bars and "2024-03-01 · Bob: 1" in bars
    assert "2024-03-02 · Bob: 1" in bars
    assert "<script" not in page.split("<main", 1)[1]


def test_the_graph_page_carries_its_data_as_json_not_as_script(case_name: str) -> None:
    chat, _, client = _chat_case(case_name)
    page = client.get(_urls(chat)["graph"]).content.decode()
    data = re.search(r'<script id="chat-graph-data" type="application/json">(.*?)</script>', page)
    assert data is not None
    graph = json.loads(data.group(1))
    labels = {node["label"] for node in graph["nodes"]}
    assert {"Alice", "Bob", chat.entity.value} <= labels
    assert "vendor/cytoscape/cytoscape.min.js" in page and "vigil/chats.js" in page


def test_seen_in_other_cases_names_only_cases_the_user_is_a_member_of(case_name: str) -> None:
    chat, person, client = _chat_case(case_name)
    mine = seed_case(f"{case_name}-mine", with_suggestion=False)
    hidden = seed_case(f"{case_name}-hidden", with_suggestion=False)
    seed_chat(mine, entity_value=chat.entity.value)
    seed_chat(hidden, entity_value=chat.entity.value)
    from vigil.records.accounts.models import CaseMembership

    CaseMembership.objects.create(user=person.user, case=mine.case, added_by="tests")
    page = client.get(_urls(chat)["entity"]).content.decode()
    assert mine.case.name in page
    assert hidden.case.name not in page
    table = client.get(_urls(chat)["entities"]).content.decode()
    assert hidden.case.name not in table
    row = re.search(r"<tr>\s*<td>bitcoin</td>.*?</tr>", table, re.S)
    assert row is not None and re.findall(r"<td>(\d+)</td>", row.group(0))[-1] == "1"


def test_the_entity_table_filters_by_kind_and_value(case_name: str) -> None:
    chat, _, client = _chat_case(case_name)
    url = _urls(chat)["entities"]
    assert chat.entity.value in client.get(url, {"kind": "bitcoin"}).content.decode()
    assert chat.entity.value not in client.get(url, {"kind": "phone"}).content.decode()
    assert chat.entity.value not in client.get(url, {"q": "no-such-value"}).content.decode()


def test_the_html_report_holds_the_exports_hashes_and_is_audited(case_name: str) -> None:
    chat, person, client = _chat_case(case_name)
    export = chat.conversation.export.item.blob
    answer = client.post(
        _urls(chat)["reader"] + "report/", {"format": "html", "reason": "court file 12/24"}
    )
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    html = answer.content.decode()
    assert export.sha256 in html and export.md5 in html and export.sha1 in html
    photo = chat.messages[1].attachments.get().item.blob
    assert photo.sha256 in html
    assert "Meet at the harbour" in html and person.username in html
    [entry] = _entries(case_name, "chat.report")
    assert (entry.outcome, entry.purpose) == ("ok", "court file 12/24")
    assert entry.details["sha256"] == hashlib.sha256(answer.content).hexdigest()


def test_the_pdf_report_is_a_pdf(case_name: str) -> None:
    chat, _, client = _chat_case(case_name)
    answer = client.post(_urls(chat)["reader"] + "report/", {"format": "pdf", "reason": "court"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    from PIL import ImageFile

    # Rendering must not leave Pillow accepting truncated images (WeasyPrint's import does).
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_report_needs_a_reason_and_the_export_permission(case_name: str) -> None:
    chat, _, client = _chat_case(case_name)
    url = _urls(chat)["reader"] + "report/"
    assert client.post(url, {"format": "html", "reason": ""}).status_code == 400
    reviewer = make_person(f"r-{case_name}", ("reviewer",), cases=(chat.conversation.case,))
    assert sign_in(reviewer).post(url, {"format": "html", "reason": "x"}).status_code == 403


def test_a_conversation_too_long_for_a_pdf_is_refused_plainly_and_audited(
    case_name: str,
) -> None:
    from vigil.web.chats.report import MAX_PDF_MESSAGES

    chat, _, client = _chat_case(case_name)
    chat.conversation.message_count = MAX_PDF_MESSAGES + 1
    chat.conversation.save()
    answer = client.post(_urls(chat)["reader"] + "report/", {"format": "pdf", "reason": "court"})
    assert answer.status_code == 400 and b"choose HTML" in answer.content
    [entry] = _entries(case_name, "chat.report")
    assert entry.outcome == "failed"
