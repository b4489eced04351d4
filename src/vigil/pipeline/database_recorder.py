"""The triage recorder Vigil uses: Source, Item and Blob rows, one transaction per batch.

Crash safety (the coordinator's other rules are in vigil.pipeline.triage): an item row is
written only with its final result or, for an archive member, as `pending` in the same
transaction as its archive's result; its content is already in the store by then.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from vigil.core.entries import ArchiveExpansion, MemberEntry
from vigil.core.hashing import Digests
from vigil.core.issues import Issue
from vigil.core.origin import display_path, member_hash
from vigil.pipeline.recording import (
    Outcome,
    PendingMember,
    RecordedBatch,
    SourceSummary,
    TopLevelEntry,
    TriageRecorder,
    Work,
)
from vigil.pipeline.tasks import IngestResult
from vigil.records.cases.models import Blob, Case, Item, Source

PENDING_CHUNK = 2000
# What an analysed content's facts set on a Blob row that was first written only hashed.
FACT_FIELDS = [
    "analyzed",
    "type_label",
    "mime",
    "family",
    "width",
    "height",
    "duration_s",
    "pdq",
    "pdq_quality",
    "thumbnails",
    "media",
    "issues",
]
OUTCOME_FIELDS = ["status", "error_code", "issues", "extension_mismatch"]


class DatabaseRecorder(TriageRecorder):
    def __init__(self, case: Case) -> None:
        self.case = case
        self.source: Source | None = None

    def open_source(self, path: str, kind: str) -> SourceSummary | None:
        source, _ = Source.objects.get_or_create(case=self.case, path=path, defaults={"kind": kind})
        if source.status == Source.Status.COMPLETE:
            return summarize(source)
        Source.objects.filter(pk=source.pk).update(runs=source.runs + 1)
        self.source = source
        return None

    def pending_members(self) -> Iterator[PendingMember]:
        pending = Item.objects.filter(source=self._source, status=Item.Status.PENDING)
        for item in pending.order_by("id").iterator(chunk_size=PENDING_CHUNK):
            yield _pending(item)

    def recorded_origins(self, origin_hashes: list[str]) -> set[str]:
        return set(
            Item.objects.filter(source=self._source, origin_hash__in=origin_hashes).values_list(
                "origin_hash", flat=True
            )
        )

    def record(self, outcomes: list[Outcome]) -> RecordedBatch:
        expansions: list[tuple[Item, ArchiveExpansion]] = []
        with transaction.atomic():
            content_issues = self._save_blobs(outcomes)
            new_items: list[Item] = []
            finished_members: list[Item] = []
            for work, result in outcomes:
                item = self._item_for(work, result, content_issues)
                (new_items if item.pk is None else finished_members).append(item)
                if result.expansion is not None:
                    expansions.append((item, result.expansion))
            Item.objects.bulk_create(new_items)
            Item.objects.bulk_update(finished_members, OUTCOME_FIELDS)
            # A member that is itself a media image: its facts, kept where it lay, grow by
            # the image's (format, volumes, acquisition).
            for item, expansion in expansions:
                if item.pk is not None and expansion.facts:
                    facts = Item.objects.get(pk=item.pk).facts | expansion.facts
                    Item.objects.filter(pk=item.pk).update(facts=facts)
            children = [
                child for item, expansion in expansions for child in self._children(item, expansion)
            ]
            Item.objects.bulk_create(children)
        pending = [_pending(child) for child in children if child.status == Item.Status.PENDING]
        return RecordedBatch(
            finished=len(outcomes) + len(children) - len(pending),
            listed=len(children),
            pending=pending,
        )

    def finish(self) -> SourceSummary:
        source = self._source
        counts = _status_counts(source)
        Source.objects.filter(pk=source.pk).update(
            status=Source.Status.COMPLETE,
            enumerated=sum(counts.values()),
            processed=counts.get(Item.Status.PROCESSED, 0),
            failed=counts.get(Item.Status.FAILED, 0),
            finished_at=timezone.now(),
        )
        source.refresh_from_db()
        return summarize(source)

    # -- rows ----------------------------------------------------------------------------
    @property
    def _source(self) -> Source:
        assert self.source is not None, "open_source first"
        return self.source

    def _save_blobs(self, outcomes: list[Outcome]) -> dict[str, list[dict[str, str]]]:
        """Writes the batch's contents; returns each content's issues, for its items."""
        facts_by_sha: dict[str, IngestResult] = {}
        for work, result in outcomes:
            sha = _sha_of(work, result)
            if sha and result.facts is not None:
                facts_by_sha.setdefault(sha, result)
        members: dict[str, Digests] = {}
        for _, result in outcomes:
            if result.expansion is not None:
                for member in result.expansion.members:
                    if member.digests is not None:
                        members.setdefault(member.digests.sha256, member.digests)
        wanted = set(facts_by_sha) | set(members)
        existing = Blob.objects.in_bulk(list(wanted)) if wanted else {}
        to_create: list[Blob] = []
        to_update: list[Blob] = []
        for sha, result in facts_by_sha.items():
            blob = existing.get(sha)
            if blob is None:
                assert result.digests is not None
                blob = _blob_from_digests(result.digests)
                _apply_facts(blob, result)
                to_create.append(blob)
                existing[sha] = blob
            elif not blob.analyzed:
                _apply_facts(blob, result)
                to_update.append(blob)
        for sha, digests in members.items():
            if sha not in existing:
                blob = _blob_from_digests(digests)
                to_create.append(blob)
                existing[sha] = blob
        Blob.objects.bulk_create(to_create, ignore_conflicts=True)
        Blob.objects.bulk_update(to_update, FACT_FIELDS)
        return {sha: blob.issues for sha, blob in existing.items()}

    def _item_for(
        self, work: Work, result: IngestResult, content_issues: dict[str, list[dict[str, str]]]
    ) -> Item:
        occurrence = [issue.as_dict() for issue in result.issues]
        if result.expansion is not None:
            occurrence += [issue.as_dict() for issue in result.expansion.issues]
        sha = _sha_of(work, result)
        content = list(content_issues.get(sha, [])) if sha else []
        if isinstance(work, TopLevelEntry):
            entry = work.entry
            issues = [issue.as_dict() for issue in entry.issues] + occurrence + content
            item = Item(
                case=self.case,
                source=self._source,
                origin_hash=work.origin_hash,
                origin=[entry.name],
                path=entry.name,
                name=entry.name,
                depth=0,
                kind=entry.kind,
                size=result.digests.size if result.digests else entry.size,
                blob_id=sha or None,
                times=entry.times,
                link_target=entry.link_target,
            )
        else:
            issues = list(work.issues) + occurrence + content
            # Only the outcome is updated; the rest is set so that members can name it parent.
            item = Item(
                pk=work.item_id,
                case=self.case,
                source=self._source,
                blob_id=work.sha256,
                origin=work.origin,
                origin_hash=work.origin_hash,
                depth=work.depth,
                name=work.name,
            )
        if result.expansion is not None and isinstance(work, TopLevelEntry):
            item.facts = result.expansion.facts  # a media image's format, volumes, acquisition
        not_a_file = isinstance(work, TopLevelEntry) and work.entry.kind != "file"
        _set_outcome(item, issues, result.extension_mismatch, had_content=bool(sha) or not_a_file)
        return item

    def _children(self, archive: Item, expansion: ArchiveExpansion) -> list[Item]:
        children: list[Item] = []
        for index, member in enumerate(expansion.members):
            if member.kind == "directory" and not member.issues:
                continue
            children.append(self._child(archive, index, member))
        return children

    def _child(self, archive: Item, index: int, member: MemberEntry) -> Item:
        origin = [*archive.origin, member.name]
        issues = [issue.as_dict() for issue in member.issues]
        child = Item(
            case=self.case,
            source=self._source,
            parent=archive,
            origin_hash=member_hash(archive.origin_hash, index, member.name),
            origin=origin,
            path=display_path(origin),
            name=member.name,
            depth=archive.depth + 1,
            kind=member.kind,
            size=member.digests.size if member.digests else member.declared_size,
            blob_id=member.digests.sha256 if member.digests else None,
            times=member.times,
            link_target=member.link_target,
            issues=issues,
            facts=member.facts,
        )
        if member.digests is not None and member.kind == "file":
            child.status = Item.Status.PENDING
        else:
            _set_outcome(child, issues, False, had_content=member.kind != "file")
        return child


def summarize(source: Source) -> SourceSummary:
    return SourceSummary(
        path=source.path,
        kind=source.kind,
        status=source.status,
        enumerated=source.enumerated,
        processed=source.processed,
        failed=source.failed,
    )


def _pending(item: Item) -> PendingMember:
    return PendingMember(
        item.pk,
        item.name,
        item.depth,
        item.blob_id or "",
        item.origin,
        item.origin_hash,
        item.issues,
    )


def _status_counts(source: Source) -> dict[str, int]:
    rows = Item.objects.filter(source=source).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def _set_outcome(
    item: Item, issues: list[dict[str, str]], extension_mismatch: bool, had_content: bool
) -> None:
    errors = [issue for issue in issues if issue.get("severity") == "error"]
    if not had_content and not errors:
        errors = [Issue.error("no_content", "No content could be read for this entry.").as_dict()]
        issues = [*issues, *errors]
    item.issues = issues
    item.extension_mismatch = extension_mismatch
    item.status = Item.Status.FAILED if errors else Item.Status.PROCESSED
    item.error_code = errors[0]["code"] if errors else None


def _sha_of(work: Work, result: IngestResult) -> str:
    if isinstance(work, PendingMember):
        return work.sha256
    return result.digests.sha256 if result.digests else ""


def _blob_from_digests(digests: Digests) -> Blob:
    return Blob(sha256=digests.sha256, md5=digests.md5, sha1=digests.sha1, size=digests.size)


def _apply_facts(blob: Blob, result: IngestResult) -> None:
    facts = result.facts
    assert facts is not None
    blob.analyzed = True
    blob.type_label, blob.mime, blob.family = facts.type_label, facts.mime, facts.family
    blob.width, blob.height, blob.duration_s = facts.width, facts.height, facts.duration_s
    blob.pdq, blob.pdq_quality = facts.pdq, facts.pdq_quality
    blob.thumbnails, blob.media = facts.thumbnails, facts.media
    blob.issues = [issue.as_dict() for issue in facts.issues]
