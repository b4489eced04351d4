"""One item: what triage, the lists and the tools say about it, and what reviewers concluded."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from vigil.governance.decisions import decide
from vigil.matching.review import review_rank
from vigil.records.analysis.models import Decision, Suggestion
from vigil.records.cases.models import Item
from vigil.records.matching.models import Match
from vigil.records.review.models import ItemTag, Note
from vigil.web.access import Action, can
from vigil.web.review import services
from vigil.web.review.audited import item_or_refuse, log_view
from vigil.web.review.forms import DecisionForm, DetailsForm, NoteForm
from vigil.web.review.image_facts import image_summary, where_it_lay
from vigil.web.review.labels import CATEGORY_KEYS, STATUS_LABELS, category_label
from vigil.web.review.queue import (
    OBJECT_TOOL,
    Cursor,
    Filters,
    QueryError,
    effective_category,
    page,
    review_of,
)
from vigil.web.review.wellbeing import note_exposure

VIEW = "item.view"
PURPOSE = "review"
MAX_DUPLICATES = 50


@require_GET
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = item_or_refuse(request, item_id, event=VIEW, purpose=PURPOSE)
    log_view(request, item, event=VIEW, purpose=PURPOSE)
    note_exposure(request)
    try:
        filters = Filters.from_query(request.GET)
    except QueryError as error:
        return HttpResponseBadRequest(str(error))
    review = review_of(item)
    blob = item.blob
    media: dict[str, Any] = blob.media if blob else {}
    suggestions = _suggestions(item)
    keyframes = _keyframes(media, blob.thumbnails if blob else 0)
    shown_as_keyframes = {frame["index"] for frame in keyframes}
    context = {
        "case": item.case,
        "item": item,
        "blob": blob,
        "exif": media.get("exif") or {},
        "video": {k: media[k] for k in ("codec", "fps", "has_audio", "container") if k in media},
        "status_label": STATUS_LABELS.get(item.match_status, item.match_status),
        "category": effective_category(item),
        "category_label": category_label(effective_category(item)),
        "list_category_label": category_label(item.match_category),
        "review": review,
        "details_form": DetailsForm(
            initial={
                "series": review.series if review else "",
                "victim_identified": review.victim_identified if review else False,
                "offender_identified": review.offender_identified if review else False,
            }
        ),
        "note_form": NoteForm(),
        "notes": Note.objects.filter(item=item).select_related("author").order_by("created_at"),
        "tags": ItemTag.objects.filter(item=item).select_related("tag").order_by("tag__name"),
        "matches": Match.objects.filter(item=item)
        .select_related("hash_list", "entry")
        .order_by("distance", "hash_list__name"),
        "duplicates": _duplicates(item),
        "where_it_lay": where_it_lay(item.facts),
        "image_summary": image_summary(item.facts),
        "suggestions": suggestions,
        "thumbnails": [
            index
            for index in range(blob.thumbnails if blob else 0)
            if index not in shown_as_keyframes
        ],
        "keyframes": keyframes,
        "found": _found(suggestions),
        "place": media.get("place") or (media.get("geolocation") or {}).get("place"),
        "next_url": _next_url(item, filters),
        "grid_url": reverse("review_grid", kwargs={"case_id": item.case_id})
        + ("?" + urlencode(filters.as_query()) if filters.as_query() else ""),
        "query": urlencode(filters.as_query()),
        "can_categorise": can(request.user, Action.CATEGORISE),
        "category_keys": [(k, category_label(c) if c else None) for k, c in CATEGORY_KEYS.items()],
    }
    return render(request, "review/item.html", context)


@require_POST
def item_update(request: HttpRequest, item_id: int) -> HttpResponse:
    item = item_or_refuse(
        request, item_id, event="review.details", purpose=PURPOSE, action=Action.CATEGORISE
    )
    form = DetailsForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    try:
        services.set_details(_user(request), item, purpose=PURPOSE, **form.cleaned_data)
    except services.ReviewError as error:
        return HttpResponseBadRequest(str(error))
    return redirect("item_detail", item_id=item.pk)


@require_POST
def item_note(request: HttpRequest, item_id: int) -> HttpResponse:
    item = item_or_refuse(
        request, item_id, event="review.note", purpose=PURPOSE, action=Action.CATEGORISE
    )
    form = NoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    try:
        services.add_note(_user(request), item, form.cleaned_data["text"], purpose=PURPOSE)
    except services.ReviewError as error:
        return HttpResponseBadRequest(str(error))
    return redirect("item_detail", item_id=item.pk)


@require_POST
def item_decide(request: HttpRequest, item_id: int, suggestion_id: int) -> HttpResponse:
    """A person confirms or rejects an AI suggestion about this item's content."""
    item = item_or_refuse(
        request, item_id, event="suggestion.decide", purpose=PURPOSE, action=Action.CATEGORISE
    )
    suggestion = (
        Suggestion.objects.select_related("case")
        .filter(pk=suggestion_id, case_id=item.case_id, blob_id=item.blob_id)
        .first()
    )
    if suggestion is None:
        raise Http404("no such suggestion on this item")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    decide(
        suggestion,
        form.cleaned_data["verdict"],
        _user(request),
        form.cleaned_data["reason"],
        purpose="web: review AI output",
    )
    return redirect("item_detail", item_id=item.pk)


def _duplicates(item: Item) -> list[Item]:
    """Other occurrences of the same content in this case only (never another case's)."""
    if item.blob_id is None:
        return []
    others = Item.objects.filter(case_id=item.case_id, blob_id=item.blob_id).exclude(pk=item.pk)
    return list(others.order_by("pk")[:MAX_DUPLICATES])


def _suggestions(item: Item) -> list[dict[str, Any]]:
    if item.blob_id is None:
        return []
    rows = (
        Suggestion.objects.filter(case_id=item.case_id, blob_id=item.blob_id)
        .select_related("run")
        .prefetch_related("decisions__decided_by")
        .order_by("tool", "pk")
    )
    result = []
    for suggestion in rows:
        decisions = sorted(suggestion.decisions.all(), key=lambda d: d.decided_at)
        result.append({"suggestion": suggestion, "latest": decisions[-1] if decisions else None})
    return result


def _keyframes(media: dict[str, Any], thumbnails: int) -> list[dict[str, Any]]:
    """The video_scenes tool's keyframes: its thumbnails (numbered from first_thumbnail, after
    triage's own) with each scene's start time."""
    scenes = media.get("video_scenes")
    if not isinstance(scenes, dict) or "first_thumbnail" not in scenes:
        return []
    first, count = int(scenes["first_thumbnail"]), int(scenes.get("thumbnail_count", 0))
    starts = [scene.get("timestamp_s") for scene in scenes.get("scenes") or []]
    return [
        {"index": first + number, "timestamp_s": starts[number] if number < len(starts) else None}
        for number in range(count)
        if first + number < thumbnails
    ]


def _found(suggestions: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The tools' suggestions read as a whole (the text read, what was said, the objects seen),
    leaving out what a person rejected; each one is still listed, with its decision, below."""
    text, transcript, objects, scenes = [], [], set(), set()
    for row in suggestions:
        suggestion, latest = row["suggestion"], row["latest"]
        if latest is not None and latest.verdict == Decision.Verdict.REJECTED:
            continue
        kind = suggestion.data.get("kind")
        if suggestion.tool == "ocr":
            text.append(suggestion.data.get("text") or suggestion.label)
        elif suggestion.tool == "speech_to_text" and kind == "speech_segment":
            transcript.append(
                {
                    "start_s": suggestion.data.get("start_s"),
                    "text": suggestion.data.get("text") or suggestion.label,
                }
            )
        elif suggestion.tool == OBJECT_TOOL and kind == "scene":
            scenes.add(suggestion.data.get("tag") or suggestion.label)
        elif suggestion.tool == OBJECT_TOOL:
            objects.add(suggestion.label)
    return {
        "text": text,
        "transcript": sorted(transcript, key=lambda segment: segment["start_s"] or 0),
        "objects": sorted(objects),
        "scenes": sorted(scenes),
    }


def _next_url(item: Item, filters: Filters) -> str | None:
    """The item after this one in the queue, under the same filters."""
    if filters.sort == "triage":
        cursor = Cursor(0, item.pk)
    else:
        cursor = Cursor(review_rank(item.match_status), item.pk)
    following = page(item.case, filters, cursor, size=1).items
    if not following:
        return None
    url = reverse("item_detail", kwargs={"item_id": following[0].pk})
    query = filters.as_query()
    return url + ("?" + urlencode(query) if query else "")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user
