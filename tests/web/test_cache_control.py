"""Nothing a signed-in person or an API client is shown stays in a browser's or a proxy's cache:
`Cache-Control: no-store` on every answer but the vendored static files."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from tests.web.personas import make_person, seed_case, sign_in, web_client

pytestmark = pytest.mark.usefixtures("django_instance")


def _directives(response: HttpResponse) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_pages_and_api_answers_are_not_stored(case_name: str) -> None:
    from vigil.records.api.models import ApiToken

    seeded = seed_case(case_name)
    person = make_person(f"cc-{case_name}", ("investigator",), cases=(seeded.case,))
    client = sign_in(person)
    item = seeded.items[0].pk
    answers = {
        "dashboard": client.get(f"/cases/{seeded.case.pk}/"),
        "case list": client.get("/"),
        "item page": client.get(f"/items/{item}/"),
        "thumbnail": client.get(f"/items/{item}/thumbnails/0/"),
        "API in the session": client.get(f"/api/v1/items/{item}"),
        "not found": client.get("/items/999999999/"),
    }
    _, token = ApiToken.issue(person.user, "tests")
    answers["API with a token"] = web_client().get(
        f"/api/v1/cases/{case_name}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answers["API with a token"]["Content-Type"] == "application/json; charset=utf-8"
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == dict.fromkeys(answers, 200) | {"not found": 404}
    stored = [name for name, answer in answers.items() if "no-store" not in _directives(answer)]
    assert stored == []


def test_the_sign_in_page_is_not_stored_but_the_vendored_scripts_may_be() -> None:
    assert "no-store" in _directives(web_client().get("/signin/"))
    asset = web_client().get("/static/vigil/vendor/htmx.min.js")
    assert asset.status_code == 200
    assert "no-store" not in _directives(asset) and "public" in _directives(asset)
