"""The review queue pages through a case in review order with keyset cursors, under filters."""

from __future__ import annotations

import pytest

from tests.web.personas import make_person, seed_case, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")

STATUSES = ("known_good", "unknown", "known_illicit", "near", "unknown", "near", "known_good")


def _all_pages(case: object, size: int, **filters: object) -> list[int]:
    from vigil.web.review.queue import Cursor, Filters, page

    seen: list[int] = []
    cursor = Cursor()
    while True:
        result = page(case, Filters(**filters), cursor, size=size)  # type: ignore[arg-type]
        seen.extend(item.pk for item in result.items)
        if result.next_cursor is None:
            return seen
        cursor = result.next_cursor


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_keyset_pages_give_the_review_order_whatever_the_page_size(
    case_name: str, size: int
) -> None:
    from vigil.matching.review import in_review_order
    from vigil.records.cases.models import Item

    seeded = seed_case(f"{case_name}", statuses=STATUSES, with_suggestion=False)
    expected = list(
        in_review_order(Item.objects.filter(case=seeded.case)).values_list("pk", flat=True)
    )
    assert _all_pages(seeded.case, size) == expected


def test_filters_by_status_type_category_and_date(case_name: str) -> None:
    import datetime as dt

    seeded = seed_case(case_name, statuses=STATUSES, with_suggestion=False)
    ids = [item.pk for item in seeded.items]
    assert _all_pages(seeded.case, 2, statuses=("near",)) == [ids[3], ids[5]]
    assert _all_pages(seeded.case, 2, family="video") == []
    assert _all_pages(
        seeded.case, 2, taken_from=dt.date(2024, 5, 2), taken_to=dt.date(2024, 5, 3)
    ) == [ids[1], ids[2]]
    assert _all_pages(seeded.case, 2, sort="triage") == ids


def test_a_persons_category_wins_over_the_lists_in_the_category_filter(case_name: str) -> None:
    from vigil.records.cases.models import Item
    from vigil.web.review.services import categorise

    seeded = seed_case(
        case_name, statuses=("known_illicit", "known_illicit"), with_suggestion=False
    )
    first, second = seeded.items
    Item.objects.filter(pk__in=[first.pk, second.pk]).update(match_category="vics:1")
    person = make_person(f"cat-{case_name}", ("reviewer",))
    categorise(person.user, [Item.objects.get(pk=second.pk)], "vics:0", purpose="test")
    assert _all_pages(seeded.case, 5, category="vics:1") == [first.pk]
    assert _all_pages(seeded.case, 5, category="vics:0") == [second.pk]
    assert _all_pages(seeded.case, 5, category="uncategorised") == []


def test_a_forged_cursor_or_filter_is_a_clear_400(case_name: str) -> None:
    seeded = seed_case(case_name, with_suggestion=False)
    person = make_person(f"forge-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = sign_in(person)
    grid = f"/cases/{seeded.case.pk}/review/"
    assert client.get(grid + "?after=9.1").status_code == 400
    assert client.get(grid + "?after=x").status_code == 400
    answer = client.get(grid + "?status=secret")
    assert answer.status_code == 400 and b"unknown status" in answer.content
    assert client.get(grid + "?from=yesterday").status_code == 400


def test_the_grid_links_the_next_page_and_it_continues_where_the_first_ended(
    case_name: str,
) -> None:
    from vigil.web.review import queue

    seeded = seed_case(case_name, statuses=("unknown",) * 5, with_suggestion=False)
    person = make_person(f"grid-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = sign_in(person)
    original = queue.PAGE_SIZE
    queue.PAGE_SIZE = 3
    try:
        first = client.get(f"/cases/{seeded.case.pk}/review/").content.decode()
    finally:
        queue.PAGE_SIZE = original
    assert first.count('class="tile ') == 3
    next_url = first.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    rest = client.get(next_url).content.decode()
    assert rest.count('class="tile ') == 2 and "hx-get" not in rest
