"""Media only through authorised views, never cached, every look (and refusal) audited."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.personas import make_person, seed_case, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")


def _entries(case_name: str, action: str) -> list[Any]:
    from vigil.records.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(case_name=case_name, action=action).order_by("seq"))


def test_a_thumbnail_is_private_unsniffable_and_audited(case_name: str) -> None:
    seeded = seed_case(case_name)
    person = make_person(f"m-{case_name}", ("reviewer",), cases=(seeded.case,))
    item = seeded.items[0]
    answer = sign_in(person).get(f"/items/{item.pk}/thumbnails/0/")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert answer["Cache-Control"] == "private, no-store"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"] == f'inline; filename="item-{item.pk}-0.jpg"'
    assert "sandbox" in answer["Content-Security-Policy"]
    assert b"".join(answer.streaming_content)[:2] == b"\xff\xd8"
    [entry] = _entries(case_name, "media.thumbnail")
    assert (entry.actor, entry.item_id, entry.outcome) == (person.username, item.pk, "ok")
    assert entry.purpose == "review: thumbnail"


def test_a_non_member_gets_404_for_media_and_the_refusal_is_audited(case_name: str) -> None:
    seeded = seed_case(case_name)
    outsider = make_person(f"o-{case_name}", ("supervisor",))
    client = sign_in(outsider)
    item = seeded.items[1]
    assert client.get(f"/items/{item.pk}/thumbnails/0/").status_code == 404
    assert client.get(f"/items/{item.pk}/content/").status_code == 404
    assert client.get(f"/items/{item.pk}/").status_code == 404
    for action in ("media.thumbnail", "media.original", "item.view"):
        [entry] = _entries(case_name, action)
        assert (entry.actor, entry.item_id, entry.outcome) == (
            outsider.username,
            item.pk,
            "refused",
        )


def test_the_stored_copy_is_served_by_item_id_and_never_names_a_store_path(
    case_name: str,
) -> None:
    seeded = seed_case(case_name)
    person = make_person(f"c-{case_name}", ("investigator",), cases=(seeded.case,))
    client = sign_in(person)
    item = seeded.items[0]
    page = client.get(f"/items/{item.pk}/").content.decode()
    sha = item.blob_id
    # A stored copy lives at store/blobs/ab/cd/<sha256>: no part of that path is on the page
    # (a bare "ab/" could be any URL's case id).
    assert "/store/" not in page and "blobs/" not in page
    assert f"{sha[:2]}/{sha[2:4]}/" not in page and f"/{sha}" not in page
    copy = client.get(f"/items/{item.pk}/content/")
    assert copy.status_code == 200 and copy["Cache-Control"] == "private, no-store"
    assert [e.outcome for e in _entries(case_name, "item.view")] == ["ok"]
    assert [e.outcome for e in _entries(case_name, "media.original")] == ["ok"]


def test_content_that_is_not_plain_media_downloads_instead_of_rendering(case_name: str) -> None:
    from vigil.records.cases.models import Blob

    seeded = seed_case(case_name)
    Blob.objects.filter(pk=seeded.items[0].blob_id).update(mime="text/html", family="document")
    person = make_person(f"h-{case_name}", ("reviewer",), cases=(seeded.case,))
    answer = sign_in(person).get(f"/items/{seeded.items[0].pk}/content/")
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Disposition"].startswith("attachment;")


def test_the_grid_view_names_the_items_it_showed_in_the_audit_log(case_name: str) -> None:
    seeded = seed_case(case_name)
    person = make_person(f"g-{case_name}", ("reviewer",), cases=(seeded.case,))
    assert sign_in(person).get(f"/cases/{seeded.case.pk}/review/?status=near").status_code == 200
    [entry] = _entries(case_name, "review.grid")
    assert entry.details["items"] == [seeded.items[1].pk]
    assert entry.details["filters"] == {"status": "near"}
