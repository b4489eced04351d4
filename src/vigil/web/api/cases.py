"""API: the cases a person is a member of, their items a page at a time, categorisation."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from vigil.audit.log import record
from vigil.web.access import Action, api_rule, case_named, item_for, items_of, visible_cases
from vigil.web.converters import ObjectId
from vigil.web.review import services
from vigil.web.review.counts import case_figures
from vigil.web.review.queue import (
    MAX_PAGE_SIZE,
    Cursor,
    Filters,
    QueryError,
    effective_category,
    page,
)
from vigil.web.review.views.grid import MAX_BULK

router = Router(tags=["cases"])
PURPOSE = "api"


class CaseOut(Schema):
    name: str
    description: str
    created_at: str


# A filter value: short, and no control character (PostgreSQL refuses a NUL in any text).
Word = Annotated[str, Field(max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")]
ItemIds = Annotated[list[ObjectId], Field(min_length=1, max_length=MAX_BULK)]


class ItemsQuery(Schema):
    status: list[Word] = Field(default_factory=list, max_length=10)
    type: Word = ""
    category: Word = ""
    tag: Word = ""
    gps: Word = ""
    faces: Word = ""
    text: Word = ""
    date_from: Word = ""
    date_to: Word = ""
    sort: Word = "review"
    after: str = Field("", pattern=r"^([0-9]{1,2}\.[0-9]{1,18})?$")  # as Cursor.encode writes
    limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


class CategoriseIn(Schema):
    items: ItemIds
    category: str | None = Field(max_length=64)  # "vics:1", "caid:A"; null clears


class TagIn(Schema):
    items: ItemIds
    tag: str = Field(max_length=64)
    remove: bool = False


@router.get("/cases", response=list[CaseOut])
@api_rule(None)
def list_cases(request: HttpRequest) -> list[dict[str, Any]]:
    """Only the cases the caller is a member of."""
    return [
        {"name": c.name, "description": c.description, "created_at": c.created_at.isoformat()}
        for c in visible_cases(request.auth).order_by("name")  # type: ignore[attr-defined]
    ]


@router.get("/cases/{case}")
@api_rule(Action.VIEW)
def get_case(request: HttpRequest, case: str) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    row = case_named(user, case, Action.VIEW)
    figures = case_figures(row)
    record("case.dashboard", actor=user.username, case_name=row.name, purpose=PURPOSE)

    def counts(bars: list[Any]) -> dict[str, int]:
        return {bar.key: bar.count for bar in bars}

    return {
        "name": row.name,
        "description": row.description,
        "created_at": row.created_at.isoformat(),
        "items": figures.total,
        "by_match_status": counts(figures.by_status),
        "by_type": counts(figures.by_family),
        "by_category": counts(figures.by_category),
        "by_processing_state": counts(figures.by_state),
    }


@router.get("/cases/{case}/items")
@api_rule(Action.VIEW)
def list_items(request: HttpRequest, case: str, query: Query[ItemsQuery]) -> dict[str, Any]:
    """The review queue, keyset-paged: pass `next` back as `after` for the following page."""
    user = request.auth  # type: ignore[attr-defined]
    row = case_named(user, case, Action.VIEW)
    raw = query.dict()
    raw["from"], raw["to"] = raw.pop("date_from"), raw.pop("date_to")
    try:
        filters = Filters.from_params(raw)
        cursor = Cursor.decode(query.after)
    except QueryError as error:
        raise HttpError(400, str(error)) from None
    result = page(row, filters, cursor, size=query.limit)
    record(
        "items.list",
        actor=user.username,
        case_name=row.name,
        purpose=PURPOSE,
        details={"filters": filters.describe(), "items": [i.pk for i in result.items]},
    )
    return {
        "items": [item_document(item) for item in result.items],
        "next": result.next_cursor.encode() if result.next_cursor else None,
    }


@router.get("/items/{item_id}")
@api_rule(Action.VIEW)
def get_item(request: HttpRequest, item_id: ObjectId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    item = item_for(user, item_id, Action.VIEW)
    record(
        "item.view", actor=user.username, case_name=item.case.name, item_id=item.pk, purpose=PURPOSE
    )
    document = item_document(item)
    blob = item.blob
    document |= {
        "origin": item.origin,
        "times": item.times,
        "facts": item.facts,  # in a media image: volume, file system, inode, deleted
        "issues": item.issues,
        "hashes": None
        if blob is None
        else {"sha256": blob.sha256, "sha1": blob.sha1, "md5": blob.md5, "pdq": blob.pdq},
        "media": {} if blob is None else {"exif": blob.media.get("exif", {})},
    }
    return document


@router.post("/cases/{case}/categorisations")
@api_rule(Action.CATEGORISE)
def categorise(request: HttpRequest, case: str, body: CategoriseIn) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    row = case_named(user, case, Action.CATEGORISE)
    items = list(items_of(user, row, body.items, Action.CATEGORISE).select_related("case"))
    try:
        count = services.categorise(user, items, body.category, purpose=PURPOSE)
    except services.ReviewError as error:
        raise HttpError(422, str(error)) from None
    return {"updated": count, "items": [item.pk for item in items]}


@router.post("/cases/{case}/tags")
@api_rule(Action.CATEGORISE)
def tag_items(request: HttpRequest, case: str, body: TagIn) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    row = case_named(user, case, Action.CATEGORISE)
    items = list(items_of(user, row, body.items, Action.CATEGORISE).select_related("case"))
    try:
        count = services.tag(user, row, items, body.tag, remove=body.remove, purpose=PURPOSE)
    except services.ReviewError as error:
        raise HttpError(422, str(error)) from None
    return {"updated": count}


def item_document(item: Any) -> dict[str, Any]:
    blob = item.blob
    return {
        "id": item.pk,
        "path": item.path,
        "name": item.name,
        "status": item.status,
        "match_status": item.match_status,
        "list_category": item.match_category,
        "category": effective_category(item),
        "type": blob.family if blob else None,
        "mime": blob.mime if blob else None,
        "size": item.size,
        "sha256": item.blob_id,
    }
