"""Matching a case's items against hash lists: exact by MD5/SHA-1/SHA-256, near by PDQ, and
videos by vPDQ (a share of their frames matching a listed video's frames, as Meta's matcher).

Work is per distinct content (Blob), in batches, so a case of a million items costs a few
thousand queries, not millions. A run replaces the case's matches for the lists it matched and
recomputes every item's status, all in one transaction: a crash leaves the previous result.

Status of an item, from all its matches: any exact match on an illicit list → known_illicit
(the most severe category among them); else a PDQ near match or a vPDQ video match on an
illicit list → near (the category of the nearest); else an exact match on a known-good list →
known_good; else unknown.
Known-good lists are only a filter: they are never near-matched and never clear an illicit match.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from vigil.audit.log import record
from vigil.matching.categories import map_category, most_severe, severity
from vigil.matching.formats.entry import vpdq_frames
from vigil.matching.indexes import load_index, load_video_index
from vigil.matching.pdq_index import PdqIndex, hex_to_codes
from vigil.matching.review import KNOWN_GOOD, KNOWN_ILLICIT, NEAR, UNKNOWN
from vigil.media.vpdq import DISTANCE_TOLERANCE, QUALITY_TOLERANCE, FrameHash, match_videos
from vigil.records.cases.models import Blob, Case, Item
from vigil.records.matching.models import HashEntry, HashList, Match

DEFAULT_RADIUS = 31
# Below this PDQ quality the hash of a flat or tiny image matches almost anything (Meta's advice).
MIN_PDQ_QUALITY = 50
# A video matches a listed one when this share of its frames is found there (HMA's default), or
# when it holds this share of the listed video's frames (a known clip inside a compilation).
DEFAULT_VIDEO_PERCENT = 80.0
BLOB_BATCH = 2_000
# Strongest first: an entry listing all three hashes gives one match, of its strongest kind.
_EXACT = (
    ("sha256", Match.Kind.EXACT_SHA256),
    ("sha1", Match.Kind.EXACT_SHA1),
    ("md5", Match.Kind.EXACT_MD5),
)


@dataclass(frozen=True)
class Hit:
    entry_id: int
    list_id: int
    kind: str
    distance: int
    dihedral: bool
    category: str
    query_match_percent: float | None = None
    target_match_percent: float | None = None


@dataclass
class MatchSummary:
    case: str
    lists: list[str]
    blobs: int = 0
    exact: int = 0  # Match rows written, per item
    near: int = 0  # PDQ and vPDQ
    video: int = 0  # of which vPDQ
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def match_case(
    case: Case,
    *,
    lists: Sequence[HashList] | None = None,
    radius: int = DEFAULT_RADIUS,
    dihedral: bool = False,
    min_quality: int = MIN_PDQ_QUALITY,
    video_percent: float = DEFAULT_VIDEO_PERCENT,
    on_progress: Callable[[int, int], None] | None = None,
    actor: str = "system",
) -> MatchSummary:
    started = time.monotonic()
    chosen = list(HashList.objects.filter(complete=True) if lists is None else lists)
    summary = MatchSummary(case.name, [hash_list.name for hash_list in chosen])
    indexes = {
        hash_list.pk: index
        for hash_list in chosen
        if hash_list.kind == HashList.Kind.KNOWN_ILLICIT
        and (index := load_index(hash_list)) is not None
    }
    video_indexes = {
        hash_list.pk: index
        for hash_list in chosen
        if hash_list.kind == HashList.Kind.KNOWN_ILLICIT
        and (index := load_video_index(hash_list)) is not None
    }
    blob_ids = (
        Item.objects.filter(case=case, blob__isnull=False)
        .values_list("blob_id", flat=True)
        .distinct()
        .order_by("blob_id")
    )
    total = blob_ids.count()
    with_dihedral = dihedral and bool(indexes)
    context = _Context(
        chosen, indexes, video_indexes, radius, with_dihedral, min_quality, video_percent
    )
    # One transaction: old matches go and new ones come together, or not at all.
    with transaction.atomic():
        Match.objects.filter(item__case=case, hash_list__in=chosen).delete()
        for batch in _chunks(blob_ids.iterator(chunk_size=BLOB_BATCH), BLOB_BATCH):
            hits = _hits(batch, context)
            exact, near, video = _write_matches(case, hits)
            summary.exact += exact
            summary.near += near
            summary.video += video
            summary.blobs += len(batch)
            if on_progress is not None:
                on_progress(summary.blobs, total)
        summary.statuses = _update_statuses(case)
    summary.seconds = time.monotonic() - started
    record(
        "match.run",
        actor=actor,
        case_name=case.name,
        details={
            "lists": [hash_list.pk for hash_list in chosen],
            "radius": radius,
            "dihedral": dihedral,
            "min_quality": min_quality,
            "video_percent": video_percent,
            "blobs": summary.blobs,
            "exact": summary.exact,
            "near": summary.near,
            "video": summary.video,
            "statuses": summary.statuses,
        },
    )
    return summary


@dataclass
class _Context:
    lists: list[HashList]
    indexes: dict[int, PdqIndex]
    video_indexes: dict[int, PdqIndex]
    radius: int
    dihedral: bool
    min_quality: int
    video_percent: float

    def __post_init__(self) -> None:
        self.by_id = {hash_list.pk: hash_list for hash_list in self.lists}


def _hits(blob_ids: list[str], context: _Context) -> dict[str, list[Hit]]:
    fields: list[str] = ["sha256", "md5", "sha1", "pdq", "pdq_quality", "family"]
    if context.dihedral:
        fields.append("media__pdq_dihedral")
    if context.video_indexes:
        fields.append("media__vpdq")
    blobs = list(Blob.objects.filter(sha256__in=blob_ids).values(*fields))
    hits: dict[str, list[Hit]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for blob_field, kind in _EXACT:
        by_value = defaultdict(list)
        for blob in blobs:
            if blob[blob_field]:
                by_value[blob[blob_field]].append(blob["sha256"])
        entries = HashEntry.objects.filter(
            hash_list__in=context.lists, **{f"{blob_field}__in": list(by_value)}
        ).values_list("pk", "hash_list_id", blob_field, "category")
        for entry_id, list_id, value, raw in entries:
            category = map_category(raw, context.by_id[list_id].category_mapping)
            for sha256 in by_value[value]:
                if (sha256, entry_id) not in seen:
                    seen.add((sha256, entry_id))
                    hits[sha256].append(Hit(entry_id, list_id, kind, 0, False, category))
    if context.indexes:
        _near_hits(blobs, context, hits)
    if context.video_indexes:
        _video_hits(blobs, context, hits)
    return hits


def _near_hits(blobs: list[dict[str, Any]], context: _Context, hits: dict[str, list[Hit]]) -> None:
    queries, owners = _pdq_queries(blobs, context)
    if not queries:
        return
    codes = hex_to_codes(queries)
    best: dict[tuple[str, int], tuple[int, bool, int]] = {}  # (blob, entry) → distance, ...
    for list_id, index in context.indexes.items():
        for row, entry_id, distance in index.search(codes, context.radius):
            sha256, turned = owners[row]
            key = (sha256, int(entry_id))
            # The plain hash wins a tie: a rotation is reported only when it is closer.
            if key not in best or (distance, turned) < best[key][:2]:
                best[key] = (int(distance), turned, list_id)
    if not best:
        return
    raw_categories = dict(
        HashEntry.objects.filter(pk__in={entry for _, entry in best}).values_list("pk", "category")
    )
    for (sha256, entry_id), (distance, turned, list_id) in best.items():
        if any(hit.entry_id == entry_id for hit in hits.get(sha256, ())):
            continue  # already an exact match of the same entry
        mapping = context.by_id[list_id].category_mapping
        category = map_category(raw_categories.get(entry_id), mapping)
        hits[sha256].append(Hit(entry_id, list_id, Match.Kind.NEAR_PDQ, distance, turned, category))


def _video_hits(blobs: list[dict[str, Any]], context: _Context, hits: dict[str, list[Hit]]) -> None:
    """One index search for the usable frames of all the batch's videos, then the exact
    comparison (Meta's brute-force matcher) of each video with each listed video it shares a
    frame with."""
    videos = {
        blob["sha256"]: frames
        for blob in blobs
        if blob["family"] == "video" and (frames := _stored_frames(blob.get("media__vpdq")))
    }
    rows: list[str] = []
    owners: list[str] = []
    for sha256, frames in videos.items():
        for pdq_hex in dict.fromkeys(f.pdq_hex for f in frames if f.quality >= QUALITY_TOLERANCE):
            rows.append(pdq_hex)
            owners.append(sha256)
    if not rows:
        return
    codes = hex_to_codes(rows)
    candidates: dict[tuple[str, int], int] = {}  # (video, entry) → list id
    for list_id, index in context.video_indexes.items():
        # Meta's frames match when strictly closer than the tolerance.
        for row, entry_id, _ in index.search(codes, DISTANCE_TOLERANCE - 1):
            candidates[(owners[row], int(entry_id))] = list_id
    entries = dict(
        (pk, (compact, raw))
        for pk, compact, raw in HashEntry.objects.filter(
            pk__in={entry for _, entry in candidates}
        ).values_list("pk", "vpdq", "category")
    )
    for (sha256, entry_id), list_id in sorted(candidates.items()):
        compact, raw = entries[entry_id]
        target = [
            FrameHash(index, quality, pdq_hex, seconds)
            for index, (pdq_hex, quality, seconds) in enumerate(vpdq_frames(compact or "[]"))
        ]
        result = match_videos(videos[sha256], target)
        best = max(result.query_match_percent, result.target_match_percent)
        if best < context.video_percent:
            continue
        category = map_category(raw, context.by_id[list_id].category_mapping)
        hits[sha256].append(
            Hit(
                entry_id,
                list_id,
                Match.Kind.NEAR_VPDQ,
                result.median_distance,
                False,
                category,
                round(result.query_match_percent, 2),
                round(result.target_match_percent, 2),
            )
        )


def _stored_frames(value: object) -> list[FrameHash]:
    """A video's frames as triage stores them: [[seconds, quality, pdq_hex], ...]."""
    if not isinstance(value, list):
        return []
    frames = []
    for index, frame in enumerate(value):
        if isinstance(frame, list) and len(frame) == 3 and isinstance(frame[2], str):
            frames.append(FrameHash(index, int(frame[1]), frame[2], float(frame[0])))
    return frames


def _pdq_queries(
    blobs: list[dict[str, Any]], context: _Context
) -> tuple[list[str], list[tuple[str, bool]]]:
    queries: list[str] = []
    owners: list[tuple[str, bool]] = []  # per query row: the blob, and whether turned
    for blob in blobs:
        if not blob["pdq"] or (blob["pdq_quality"] or 0) < context.min_quality:
            continue
        queries.append(blob["pdq"])
        owners.append((blob["sha256"], False))
        variants = blob.get("media__pdq_dihedral") if context.dihedral else None
        if isinstance(variants, list):  # absent when triage did not compute them
            for variant in variants[1:]:
                if isinstance(variant, str) and len(variant) == 64:
                    queries.append(variant)
                    owners.append((blob["sha256"], True))
    return queries, owners


def _write_matches(case: Case, hits: dict[str, list[Hit]]) -> tuple[int, int, int]:
    if not hits:
        return 0, 0, 0
    items = Item.objects.filter(case=case, blob_id__in=list(hits)).values_list("pk", "blob_id")
    rows = [
        Match(
            item_id=item_id,
            hash_list_id=hit.list_id,
            entry_id=hit.entry_id,
            kind=hit.kind,
            distance=hit.distance,
            dihedral=hit.dihedral,
            category=hit.category,
            query_match_percent=hit.query_match_percent,
            target_match_percent=hit.target_match_percent,
        )
        for item_id, blob_id in items
        for hit in hits[blob_id]
    ]
    Match.objects.bulk_create(rows, batch_size=5_000)
    near = sum(1 for row in rows if row.kind in Match.NEAR_KINDS)
    video = sum(1 for row in rows if row.kind == Match.Kind.NEAR_VPDQ)
    return len(rows) - near, near, video


def _update_statuses(case: Case) -> dict[str, int]:
    """Every item's status from all its matches (other lists' included), in batched updates."""
    Item.objects.filter(case=case).update(match_status=UNKNOWN, match_category=None)
    rows = (
        Match.objects.filter(item__case=case, hash_list__complete=True)
        .order_by("item_id")
        .values_list("item_id", "kind", "hash_list__kind", "category", "distance")
        .iterator(chunk_size=5_000)
    )
    pending: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for item_id, matches in _group(rows):
        outcome = item_status(matches)
        pending[outcome].append(item_id)
        if len(pending[outcome]) >= 1_000:
            _apply(outcome, pending.pop(outcome))
    for outcome, item_ids in pending.items():
        _apply(outcome, item_ids)
    counts = Item.objects.filter(case=case).values_list("match_status").order_by()
    totals: dict[str, int] = defaultdict(int)
    for (status,) in counts:
        totals[status] += 1
    return dict(sorted(totals.items()))


def item_status(matches: list[tuple[str, str, str, int]]) -> tuple[str, str | None]:
    """(status, category) from (kind, list kind, category, distance) of one item's matches."""
    illicit = [m for m in matches if m[1] == HashList.Kind.KNOWN_ILLICIT]
    exact = [m for m in illicit if m[0] not in Match.NEAR_KINDS]
    if exact:
        return KNOWN_ILLICIT, most_severe(m[2] for m in exact)
    if illicit:
        nearest = min(illicit, key=lambda m: (m[3], severity(m[2])))
        return NEAR, nearest[2]
    if any(m[0] not in Match.NEAR_KINDS for m in matches):
        return KNOWN_GOOD, None
    return UNKNOWN, None


def _apply(outcome: tuple[str, str | None], item_ids: list[int]) -> None:
    status, category = outcome
    Item.objects.filter(pk__in=item_ids).update(match_status=status, match_category=category)


def _group(
    rows: Iterable[tuple[int, str, str, str, int]],
) -> Iterator[tuple[int, list[tuple[str, str, str, int]]]]:
    current: int | None = None
    matches: list[tuple[str, str, str, int]] = []
    for item_id, kind, list_kind, category, distance in rows:
        if item_id != current:
            if current is not None:
                yield current, matches
            current, matches = item_id, []
        matches.append((kind, list_kind, category, distance))
    if current is not None:
        yield current, matches


def _chunks(values: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
