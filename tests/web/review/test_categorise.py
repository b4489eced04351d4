"""Categorising with the keyboard's endpoint, in bulk, with tags, notes, flags and decisions:
each change recorded with who and when, and audited per item."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.personas import make_person, seed_case, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")


def _entries(case_name: str, action: str) -> list[Any]:
    from vigil.records.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(case_name=case_name, action=action).order_by("seq"))


def test_a_bulk_categorisation_records_who_and_audits_each_item(case_name: str) -> None:
    from vigil.records.review.models import ItemReview

    seeded = seed_case(case_name)
    person = make_person(f"r-{case_name}", ("reviewer",), cases=(seeded.case,))
    ids = [item.pk for item in seeded.items[:2]]
    answer = sign_in(person).post(
        f"/cases/{seeded.case.pk}/review/categorise/",
        {"items": ",".join(map(str, ids)), "category": "caid:B"},
    )
    assert answer.status_code == 200 and answer.json()["updated"] == 2
    reviews = ItemReview.objects.filter(item_id__in=ids)
    assert {(r.category, r.reviewed_by_id) for r in reviews} == {("caid:B", person.user.pk)}
    assert sorted(e.item_id for e in _entries(case_name, "review.categorise")) == sorted(ids)


def test_items_of_another_case_are_not_touched_by_a_bulk_request(case_name: str) -> None:
    from vigil.records.review.models import ItemReview

    mine = seed_case(case_name)
    theirs = seed_case(f"{case_name}-other")
    person = make_person(f"x-{case_name}", ("reviewer",), cases=(mine.case,))
    answer = sign_in(person).post(
        f"/cases/{mine.case.pk}/review/categorise/",
        {"items": f"{mine.items[0].pk},{theirs.items[0].pk}", "category": "vics:1"},
    )
    assert answer.json()["items"] == [mine.items[0].pk]
    assert not ItemReview.objects.filter(item=theirs.items[0]).exists()


def test_an_unknown_category_is_refused_plainly(case_name: str) -> None:
    seeded = seed_case(case_name)
    person = make_person(f"u-{case_name}", ("reviewer",), cases=(seeded.case,))
    answer = sign_in(person).post(
        f"/cases/{seeded.case.pk}/review/categorise/",
        {"items": str(seeded.items[0].pk), "category": "vics:9"},
    )
    assert answer.status_code == 400 and b"unknown category" in answer.content


def test_a_csrf_token_is_needed_to_categorise(case_name: str) -> None:
    from django.test import Client

    from tests.web.personas import PASSWORD, current_code

    seeded = seed_case(case_name)
    person = make_person(f"csrf-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    token = client.get("/signin/").cookies["csrftoken"].value
    client.post(
        "/signin/",
        {"username": person.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    token = client.cookies["csrftoken"].value
    client.post(
        "/signin/code/", {"code": current_code(person.device), "csrfmiddlewaretoken": token}
    )
    url = f"/cases/{seeded.case.pk}/review/categorise/"
    body = {"items": str(seeded.items[0].pk), "category": "vics:1"}
    assert client.post(url, body).status_code == 403
    token = client.cookies["csrftoken"].value
    assert client.post(url, body, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_tags_notes_flags_and_a_decision_on_an_ai_suggestion(case_name: str) -> None:
    from vigil.records.analysis.models import Decision
    from vigil.records.review.models import ItemReview, ItemTag, Note

    seeded = seed_case(case_name)
    person = make_person(f"t-{case_name}", ("investigator",), cases=(seeded.case,))
    client = sign_in(person)
    item = seeded.items[0]
    tagged = client.post(
        f"/cases/{seeded.case.pk}/review/tag/", {"items": str(item.pk), "tag": "bedroom scene"}
    )
    assert tagged.json() == {"updated": 1}
    assert (
        client.post(f"/items/{item.pk}/notes/", {"text": "Same wallpaper as series X"})["Location"]
        == f"/items/{item.pk}/"
    )
    client.post(f"/items/{item.pk}/details/", {"series": "Series X", "victim_identified": "on"})
    decided = client.post(
        f"/items/{item.pk}/suggestions/{seeded.suggestion.pk}/decision/",
        {"verdict": "rejected", "reason": "a poster, not a face"},
    )
    assert decided.status_code == 302
    assert ItemTag.objects.get(item=item).tag.name == "bedroom scene"
    assert Note.objects.get(item=item).author == person.user
    review = ItemReview.objects.get(item=item)
    assert (review.series, review.victim_identified, review.offender_identified) == (
        "Series X",
        True,
        False,
    )
    assert Decision.objects.get(suggestion=seeded.suggestion).verdict == "rejected"
    page = client.get(f"/items/{item.pk}/?tag=bedroom+scene").content.decode()
    assert "bedroom scene" in page and "Same wallpaper" in page and "Series X" in page
    note_entry = _entries(case_name, "review.note")[0]
    assert "wallpaper" not in str(note_entry.details)  # the log keeps the length, not the words
    assert _entries(case_name, "suggestion.decide")[0].item_id == item.pk


def test_a_decision_on_a_suggestion_of_another_item_is_not_found(case_name: str) -> None:
    seeded = seed_case(case_name)
    person = make_person(f"d-{case_name}", ("investigator",), cases=(seeded.case,))
    other_item = seeded.items[1]
    answer = sign_in(person).post(
        f"/items/{other_item.pk}/suggestions/{seeded.suggestion.pk}/decision/",
        {"verdict": "confirmed"},
    )
    assert answer.status_code == 404
