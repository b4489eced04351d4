"""Input out of range is the caller's mistake, never a server error: an id too large for the
database is 404 in an address and 422 in the API, a control character in a chat search finds
nothing, and a list of ids has a length limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.web.chats.route_samples import SeededChat, seed_chat
from tests.web.personas import make_person, seed_case, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")

TOO_LARGE = "99999999999999999999"  # 20 digits: over the signed 64-bit range of an id


def _client(token: str | None = None) -> Client:
    # A server error answers 500 here instead of raising, so the assertions name the URL.
    headers: dict[str, Any] = {"HTTP_HOST": "localhost", "raise_request_exception": False}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**headers)


@pytest.fixture
def world(case_name: str) -> dict[str, Any]:
    from vigil.records.api.models import ApiToken

    seeded = seed_case(case_name)
    chat = seed_chat(seeded, entity_value=f"1Bounds{seeded.case.pk}")
    person = make_person(f"n-{case_name}", ("investigator",), cases=(seeded.case,))
    _, token = ApiToken.issue(person.user, "tests")
    return {
        "case": seeded.case,
        "item": seeded.items[0],
        "chat": chat,
        "web": sign_in(person, _client()),
        "api": _client(token),
    }


def test_an_id_too_large_for_the_database_in_an_address_is_not_found(
    world: dict[str, Any],
) -> None:
    case, item, chat = world["case"].pk, world["item"].pk, world["chat"]
    urls = [
        f"/items/{TOO_LARGE}/",
        f"/items/{TOO_LARGE}/content/",
        f"/items/{TOO_LARGE}/thumbnails/0/",
        f"/items/{item}/thumbnails/{TOO_LARGE}/",
        f"/items/{item}/suggestions/{TOO_LARGE}/decision/",
        f"/cases/{TOO_LARGE}/",
        f"/cases/{TOO_LARGE}/review/",
        f"/cases/{case}/chats/{TOO_LARGE}/",
        f"/cases/{case}/chats/entities/{TOO_LARGE}/",
        f"/cases/{case}/chats/{chat.conversation.pk}/?start={TOO_LARGE}",
        f"/hub/community/threads/{TOO_LARGE}/",
    ]
    answers = {url: world["web"].get(url).status_code for url in urls}
    assert answers == dict.fromkeys(urls, 404)
    # The bound is 18 digits: the largest such id is still an ordinary "no such item".
    assert world["web"].get(f"/items/{'9' * 18}/").status_code == 404
    assert world["web"].get(f"/items/{item}/").status_code == 200


@pytest.mark.parametrize("query", ["\x00", "harbour\x00", "\x00\x01\x1f", '"\x00"', "\x7f*"])
def test_a_control_character_in_a_chat_search_is_not_a_server_error(
    world: dict[str, Any], query: str
) -> None:
    chat: SeededChat = world["chat"]
    url = f"/cases/{world['case'].pk}/chats/{chat.conversation.pk}/"
    page = world["web"].get(url, {"q": query})
    assert page.status_code == 200
    if "harbour" in query:  # the word is still searched for, without the NUL
        assert "1 match" in page.content.decode()


def test_the_search_expressions_never_carry_a_control_character() -> None:
    from vigil.chats.importing.queries import fts5_query, postgresql_tsquery

    for build in (fts5_query, postgresql_tsquery):
        assert build("\x00") == ""
        assert build("\x00\t\x1f") == ""
        expression = build('harb\x00our "at\x01 the" x\x7f*')
        assert not any(ord(char) < 32 or ord(char) == 127 for char in expression)
        assert "harbour" in expression


def test_an_id_too_large_or_a_list_too_long_is_refused_by_the_api(
    world: dict[str, Any],
) -> None:
    api, case = world["api"], world["case"].name
    item = world["item"].pk

    def post(path: str, body: dict[str, Any]) -> int:
        return int(api.post(path, body, content_type="application/json").status_code)

    assert api.get(f"/api/v1/items/{TOO_LARGE}").status_code == 422
    assert api.get("/api/v1/items/0").status_code == 422
    assert api.get(f"/api/v1/items/{item}").status_code == 200
    categorise = f"/api/v1/cases/{case}/categorisations"
    assert post(categorise, {"items": [int(TOO_LARGE)], "category": None}) == 422
    assert post(categorise, {"items": [-1], "category": None}) == 422
    assert post(categorise, {"items": list(range(1, 1002)), "category": None}) == 422
    assert post(categorise, {"items": [item], "category": None}) == 200
    assert post(f"/api/v1/cases/{case}/tags", {"items": [int(TOO_LARGE)], "tag": "x"}) == 422
    decision = {"verdict": "confirmed", "reason": ""}
    assert post(f"/api/v1/suggestions/{TOO_LARGE}/decision", decision) == 422
    listing = f"/api/v1/cases/{case}/items"
    assert api.get(listing, {"limit": TOO_LARGE}).status_code == 422
    assert api.get(listing, {"limit": 0}).status_code == 422
    assert api.get(listing, {"limit": 10}).status_code == 200
