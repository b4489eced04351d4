"""Thumbnails and stored copies, only through here: by item id (never a store path), to case
members, each look audited, nothing cached by the browser or a proxy."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from vigil import config
from vigil.records.cases.models import Item
from vigil.store.evidence import EvidenceStore
from vigil.web.review.audited import item_or_refuse, log_view

# Shown in the page (with the muted, blurred, greyscale defaults); anything else downloads.
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/bmp",
        "video/mp4",
        "video/webm",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "audio/mp4",
    }
)
THUMBNAIL = "media.thumbnail"
ORIGINAL = "media.original"


def evidence_store() -> EvidenceStore:
    return EvidenceStore(config.store_root(config.vigil_home()))


@require_GET
def media_thumbnail(request: HttpRequest, item_id: int, index: int) -> FileResponse:
    purpose = "review: thumbnail"
    item = item_or_refuse(request, item_id, event=THUMBNAIL, purpose=purpose)
    blob = item.blob
    if blob is None or not 0 <= index < blob.thumbnails:
        log_view(
            request,
            item,
            event=THUMBNAIL,
            purpose=purpose,
            outcome="failed",
            details={"index": index, "reason": "no such thumbnail"},
        )
        raise Http404("no such thumbnail")
    path = evidence_store().thumbnail_path(blob.sha256, index)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        log_view(
            request,
            item,
            event=THUMBNAIL,
            purpose=purpose,
            outcome="failed",
            details={"index": index, "reason": "missing from the store"},
        )
        raise Http404("thumbnail missing from the store") from None
    log_view(request, item, event=THUMBNAIL, purpose=purpose, details={"index": index})
    return _private(FileResponse(handle, content_type="image/jpeg"), item, f"{index}.jpg", True)


@require_GET
def media_original(request: HttpRequest, item_id: int) -> FileResponse:
    purpose = "review: stored copy"
    item = item_or_refuse(request, item_id, event=ORIGINAL, purpose=purpose)
    blob = item.blob
    if blob is None:
        log_view(
            request,
            item,
            event=ORIGINAL,
            purpose=purpose,
            outcome="failed",
            details={"reason": "no content"},
        )
        raise Http404("this item has no stored content")
    try:
        handle = evidence_store().open_blob(blob.sha256)
    except FileNotFoundError:
        log_view(
            request,
            item,
            event=ORIGINAL,
            purpose=purpose,
            outcome="failed",
            details={"reason": "missing from the store"},
        )
        raise Http404("content missing from the store") from None
    inline = blob.mime in INLINE_TYPES
    log_view(
        request,
        item,
        event=ORIGINAL,
        purpose=purpose,
        details={"sha256": blob.sha256, "inline": inline},
    )
    content_type = blob.mime if inline else "application/octet-stream"
    return _private(FileResponse(handle, content_type=content_type), item, "bin", inline)


def _private(response: FileResponse, item: Item, suffix: str, inline: bool) -> FileResponse:
    # A server-made name: the evidence's own file name could carry anything.
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="item-{item.pk}-{suffix}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, stored content runs no script and loads nothing.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    )
    return response
