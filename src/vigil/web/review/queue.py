"""The review queue: a case's items in review order, filtered, a page at a time.

Keyset paging, never OFFSET: a page starts after the last item of the one before, so the
thousandth page of a million-item case costs what the first one does. The review order is
vigil.matching.review's (unknown → near → known illicit → known good, triage order within each);
since the rank follows from match_status alone, the queue reads one status after the other,
each an index range on (case, match_status, id) (migration cases 0003).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.http import QueryDict

from vigil.matching.categories import CAID, UNCATEGORISED, VICS
from vigil.matching.review import REVIEW_RANK
from vigil.records.analysis.models import Decision, Suggestion
from vigil.records.cases.models import Case, Item
from vigil.records.review.models import ItemReview

Sort = Literal["review", "triage"]
STATUSES: tuple[str, ...] = tuple(sorted(REVIEW_RANK, key=REVIEW_RANK.__getitem__))
CATEGORIES: dict[str, str] = {**VICS, **CAID}
FAMILIES = ("image", "video", "audio", "document", "archive", "text", "other")
# Tools whose suggestions mean "faces in it" / "text in it" (their suggestion labels are the
# face, the OCR line, the transcript segment).
FACE_TOOLS = ("face_detection", "face_recognition")
TEXT_TOOLS = ("ocr", "speech_to_text")
OBJECT_TOOL = "objects"  # labels: the COCO class ("person"), or "scene: <tag>"
SCENE_PREFIX = "scene: "
MAX_SEARCH = 200  # a suggestion label's length
PAGE_SIZE = 60  # tiles per grid page
MAX_PAGE_SIZE = 200


class QueryError(ValueError):
    """A filter or cursor that cannot be understood; the view answers 400 with the message."""


@dataclass(frozen=True, slots=True)
class Filters:
    statuses: tuple[str, ...] = ()  # empty: every status
    family: str = ""
    category: str = ""  # "vics:1", "caid:A" or "uncategorised": a person's, else the list's
    tag: str = ""
    has_gps: bool = False
    has_faces: bool = False
    has_text: bool = False
    object_label: str = ""  # an object or scene tag the objects tool suggested, not rejected
    text_contains: str = ""  # in an OCR line or a transcript segment, any case
    taken_from: dt.date | None = None  # EXIF date taken, inclusive
    taken_to: dt.date | None = None
    sort: Sort = "review"

    @classmethod
    def from_query(cls, query: QueryDict) -> Filters:
        """From a request's query string (status may repeat)."""
        return cls.from_params({**query.dict(), "status": query.getlist("status")})

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Filters:
        """From plain values (the API's); a value that cannot be used is a QueryError."""

        def get(key: str) -> str:
            value = params.get(key)
            return "" if value is None else str(value).strip()

        raw = params.get("status") or ()
        listed = [raw] if isinstance(raw, str) else raw if isinstance(raw, list | tuple) else ()
        statuses = tuple(str(s) for s in listed if s)
        for status in statuses:
            if status not in REVIEW_RANK:
                raise QueryError(f"unknown status {status!r}")
        family, category, sort = get("type"), get("category"), get("sort") or "review"
        if family and family not in FAMILIES:
            raise QueryError(f"unknown type {family!r}")
        if category and category not in CATEGORIES and category != UNCATEGORISED:
            raise QueryError(f"unknown category {category!r}")
        if sort not in ("review", "triage"):
            raise QueryError(f"unknown sort {sort!r}")
        return cls(
            statuses=statuses,
            family=family,
            category=category,
            tag=get("tag")[:64],
            has_gps=get("gps") in ("1", "true"),
            has_faces=get("faces") in ("1", "true"),
            has_text=get("text") in ("1", "true"),
            object_label=get("object")[:MAX_SEARCH],
            text_contains=get("contains")[:MAX_SEARCH],
            taken_from=_date(get("from"), "from"),
            taken_to=_date(get("to"), "to"),
            sort="triage" if sort == "triage" else "review",
        )

    def as_query(self) -> list[tuple[str, str]]:
        """The filters as query parameters, for links that keep them."""
        pairs: list[tuple[str, str]] = [("status", status) for status in self.statuses]
        for key, value in (
            ("type", self.family),
            ("category", self.category),
            ("tag", self.tag),
            ("gps", "1" if self.has_gps else ""),
            ("faces", "1" if self.has_faces else ""),
            ("text", "1" if self.has_text else ""),
            ("object", self.object_label),
            ("contains", self.text_contains),
            ("from", self.taken_from.isoformat() if self.taken_from else ""),
            ("to", self.taken_to.isoformat() if self.taken_to else ""),
            ("sort", "" if self.sort == "review" else self.sort),
        ):
            if value:
                pairs.append((key, value))
        return pairs

    def describe(self) -> dict[str, object]:
        """For the audit log: what was asked for, never what was found."""
        return dict(self.as_query())


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: after item `after_id` within review rank `rank`."""

    rank: int = 0
    after_id: int = 0

    def encode(self) -> str:
        return f"{self.rank}.{self.after_id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        rank_text, _, id_text = text.partition(".")
        if not (rank_text.isdigit() and id_text.isdigit()) or int(rank_text) >= len(STATUSES):
            raise QueryError("the page cursor is not one Vigil wrote")
        return cls(int(rank_text), int(id_text))


@dataclass(slots=True)
class Page:
    items: list[Item] = field(default_factory=list)
    next_cursor: Cursor | None = None


def filtered(case: Case, filters: Filters) -> QuerySet[Item]:
    """The case's items that pass the filters, in no particular order."""
    items = Item.objects.filter(case=case)
    if filters.family:
        items = items.filter(blob__family=filters.family)
    if filters.category:
        items = items.filter(_category_is(filters.category))
    if filters.tag:
        items = items.filter(item_tags__tag__case=case, item_tags__tag__name=filters.tag)
    if filters.has_gps:
        items = items.filter(blob__media__exif__has_key="gps")
    if filters.has_faces:
        items = items.filter(_suggested_by(case, FACE_TOOLS))
    if filters.has_text:
        items = items.filter(_suggested_by(case, TEXT_TOOLS))
    if filters.object_label:
        label = filters.object_label.removeprefix(SCENE_PREFIX)
        labels = (label, SCENE_PREFIX + label)
        items = items.filter(_suggested_by(case, (OBJECT_TOOL,), label__in=labels))
    if filters.text_contains:
        contains = filters.text_contains
        items = items.filter(_suggested_by(case, TEXT_TOOLS, label__icontains=contains))
    if filters.taken_from or filters.taken_to:
        # Cast: JSON key lookups would compare JSON values; these are ISO 8601 texts.
        taken = KeyTextTransform("datetime_original", KeyTransform("exif", "blob__media"))
        items = items.annotate(taken=Cast(taken, TextField()))
        # ISO 8601 text compares in time order (to the day, whatever the offset).
        if filters.taken_from:
            items = items.filter(taken__gte=filters.taken_from.isoformat())
        if filters.taken_to:
            items = items.filter(taken__lt=(filters.taken_to + dt.timedelta(days=1)).isoformat())
    return items


def page(case: Case, filters: Filters, cursor: Cursor, size: int | None = None) -> Page:
    """One page of the queue, and the cursor of the next (None on the last page)."""
    size = max(1, min(PAGE_SIZE if size is None else size, MAX_PAGE_SIZE))
    base = filtered(case, filters).select_related("blob", "review")
    if filters.sort == "triage":
        rows = list(base.filter(pk__gt=cursor.after_id).order_by("pk")[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return Page(rows, Cursor(0, rows[-1].pk) if more else None)
    wanted = set(filters.statuses or STATUSES)
    rows = []
    last = cursor
    for rank in range(cursor.rank, len(STATUSES)):
        status = STATUSES[rank]
        if status not in wanted:
            continue
        after = cursor.after_id if rank == cursor.rank else 0
        need = size + 1 - len(rows)
        segment = list(base.filter(match_status=status, pk__gt=after).order_by("pk")[:need])
        for item in segment:
            item.review_rank = rank  # type: ignore[attr-defined]
        rows.extend(segment)
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    if rows:
        last = Cursor(rows[-1].review_rank, rows[-1].pk)  # type: ignore[attr-defined]
    return Page(rows, last if more else None)


def effective_category(item: Item) -> str:
    """A person's categorisation wins over the list's; otherwise uncategorised."""
    review = review_of(item)
    if review is not None and review.category:
        return str(review.category)
    return item.match_category or UNCATEGORISED


def review_of(item: Item) -> ItemReview | None:
    try:
        return item.review
    except ItemReview.DoesNotExist:  # a reverse one-to-one raises when there is none
        return None


def _category_is(category: str) -> Q:
    if category == UNCATEGORISED:
        no_list_category = Q(match_category__isnull=True) | Q(match_category=UNCATEGORISED)
        no_review = Q(review__isnull=True) | Q(review__category__isnull=True)
        return no_review & no_list_category
    by_person = Q(review__category=category)
    by_list = (Q(review__isnull=True) | Q(review__category__isnull=True)) & Q(
        match_category=category
    )
    return by_person | by_list


def object_labels(case: Case) -> list[str]:
    """The object and scene labels the objects tool gave in this case, for the filter's list
    (an index-only read of (case, tool, label), analysis migration 0002)."""
    rows = Suggestion.objects.filter(case=case, tool=OBJECT_TOOL).values_list("label", flat=True)
    return sorted(set(rows.distinct()))


def _suggested_by(case: Case, tools: tuple[str, ...], **label: object) -> Q:
    """Items whose content a tool said something about (that `label` lookup, if given) that no
    person has since rejected: a rejected suggestion no longer describes the item.

    An uncorrelated IN, read once per query through (case, tool[, label]): as a correlated
    EXISTS, SQLite probed that index once per item (3.5 s for an object over 20,000 items, minutes
    for a text search); this way a page costs milliseconds."""
    suggestions = Suggestion.objects.filter(case=case, tool__in=tools, **label)
    return Q(blob_id__in=suggestions.exclude(_latest_decision_rejects()).values("blob_id"))


def _latest_decision_rejects() -> Exists:
    # The latest decision counts (ids grow with time): a rejection nobody decided on after.
    later = Decision.objects.filter(suggestion_id=OuterRef("suggestion_id"), pk__gt=OuterRef("pk"))
    return Exists(
        Decision.objects.filter(
            suggestion_id=OuterRef("pk"), verdict=Decision.Verdict.REJECTED
        ).exclude(Exists(later))
    )


def _date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"{name} must be a date such as 2024-05-07, not {text!r}") from None
