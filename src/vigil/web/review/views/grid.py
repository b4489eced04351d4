"""The review grid: thumbnails a page at a time, filters, keyboard categorisation, bulk tags."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from vigil.audit.log import record
from vigil.records.cases.models import Case
from vigil.records.review.models import Tag
from vigil.web.access import Action, can, case_for, items_of
from vigil.web.review import services
from vigil.web.review.labels import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    FAMILY_LABELS,
    STATUS_LABELS,
    category_label,
)
from vigil.web.review.queue import (
    FAMILIES,
    STATUSES,
    Cursor,
    Filters,
    QueryError,
    effective_category,
    object_labels,
    page,
)
from vigil.web.review.wellbeing import note_exposure

PURPOSE = "review"
MAX_BULK = 1000


@require_GET
def review_grid(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.user, case_id, Action.VIEW)
    try:
        context = _page_context(request, case)
    except QueryError as error:
        return HttpResponseBadRequest(str(error))
    context |= {
        "statuses": [(s, STATUS_LABELS[s]) for s in STATUSES],
        "families": [(f, FAMILY_LABELS[f]) for f in FAMILIES],
        "categories": list(CATEGORY_LABELS.items()),
        "category_keys": [
            (key, category_label(c) if c else None) for key, c in CATEGORY_KEYS.items()
        ],
        "tags": Tag.objects.filter(case=case).order_by("name").values_list("name", flat=True),
        "object_labels": object_labels(case),
        "can_categorise": can(request.user, Action.CATEGORISE),
    }
    return render(request, "review/grid.html", context)


@require_GET
def review_tiles(request: HttpRequest, case_id: int) -> HttpResponse:
    """The next page of tiles, appended by htmx at the end of the grid."""
    case = case_for(request.user, case_id, Action.VIEW)
    try:
        context = _page_context(request, case)
    except QueryError as error:
        return HttpResponseBadRequest(str(error))
    return render(request, "review/_tiles.html", context)


@require_POST
def review_categorise(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.user, case_id, Action.CATEGORISE)
    try:
        ids = _item_ids(request)
        category = services.check_category(request.POST.get("category", ""))
    except (ValueError, services.ReviewError) as error:
        return HttpResponseBadRequest(str(error))
    items = list(items_of(request.user, case, ids, Action.CATEGORISE).select_related("case"))
    count = services.categorise(_user(request), items, category, purpose=PURPOSE)
    return JsonResponse(
        {
            "updated": count,
            "items": [item.pk for item in items],
            "category": category,
            "label": category_label(category),
        }
    )


@require_POST
def review_tag(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.user, case_id, Action.CATEGORISE)
    try:
        ids = _item_ids(request)
        items = list(items_of(request.user, case, ids, Action.CATEGORISE).select_related("case"))
        count = services.tag(
            _user(request),
            case,
            items,
            request.POST.get("tag", ""),
            remove=request.POST.get("remove") == "1",
            purpose=PURPOSE,
        )
    except (ValueError, services.ReviewError) as error:
        return HttpResponseBadRequest(str(error))
    return JsonResponse({"updated": count})


def _page_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    filters = Filters.from_query(request.GET)
    cursor = Cursor.decode(request.GET.get("after"))
    result = page(case, filters, cursor)
    record(
        "review.grid",
        actor=request.user.get_username(),
        case_name=case.name,
        purpose=PURPOSE,
        details={
            "filters": filters.describe(),
            "after": cursor.encode(),
            "items": [item.pk for item in result.items],
        },
    )
    note_exposure(request)
    query = filters.as_query()
    next_url = more_url = None
    if result.next_cursor is not None:
        following = "?" + urlencode([*query, ("after", result.next_cursor.encode())])
        next_url = reverse("review_tiles", kwargs={"case_id": case.pk}) + following
        more_url = reverse("review_grid", kwargs={"case_id": case.pk}) + following  # without JS
    suffix = f"?{urlencode(query)}" if query else ""
    tiles = [
        {
            "item": item,
            "url": reverse("item_detail", kwargs={"item_id": item.pk}) + suffix,
            "thumbnail_url": reverse("media_thumbnail", kwargs={"item_id": item.pk, "index": 0}),
            "category": effective_category(item),
            "category_label": category_label(effective_category(item)),
            "status_label": STATUS_LABELS.get(item.match_status, item.match_status),
            "has_thumbnail": bool(item.blob and item.blob.thumbnails),
            "family_label": FAMILY_LABELS.get(item.blob.family if item.blob else "", ""),
        }
        for item in result.items
    ]
    return {
        "case": case,
        "filters": filters,
        "tiles": tiles,
        "next_url": next_url,
        "more_url": more_url,
        "query": urlencode(query),
    }


def _item_ids(request: HttpRequest) -> list[int]:
    raw = ",".join(request.POST.getlist("items"))
    ids = [int(part) for part in raw.split(",") if part.strip()]
    if not ids:
        raise ValueError("no items selected")
    if len(ids) > MAX_BULK:
        raise ValueError(f"at most {MAX_BULK} items at once")
    return ids


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user
