"""Imports the chat exports of a case: finds them among its items by their content, streams
each from the evidence store, and writes conversations, participants, messages, attachments,
entity mentions and watch-list suggestions in batches.

Idempotent: an export item imported once is skipped after; one whose import was interrupted
(status running) is cleared and imported again; a second item with the same content as an
imported one is recorded as a duplicate of it, not imported twice.
"""

from __future__ import annotations

import time
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from vigil.audit.log import record as audit_record
from vigil.chats.detect import detect
from vigil.chats.importing.attachments import AttachmentLocator
from vigil.chats.importing.entities import EntityWriter
from vigil.chats.importing.watchlists import WATCHLIST_TOOL, WATCHLIST_TOOL_VERSION, load_matcher
from vigil.chats.jsonstream import JSON_ERRORS
from vigil.chats.language import LanguageIdentifier, default_identifier
from vigil.chats.readers import READER_VERSION, read_export
from vigil.chats.records import (
    AttachmentStatus,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    ParticipantRecord,
)
from vigil.chats.records import Platform as ReaderPlatform
from vigil.chats.whatsapp import title_from_file_name, whatsapp_chat_member
from vigil.records.analysis.models import AnalysisRun, Suggestion
from vigil.records.cases.models import Case, Item
from vigil.records.chats.models import (
    Attachment,
    ChatExport,
    Conversation,
    Message,
    Participant,
    ParticipantName,
)
from vigil.store.evidence import EvidenceStore

BATCH_MESSAGES = 5_000
MAX_RECORDED_WARNINGS = 1_000
DUPLICATE_WINDOW = 10_000  # repeated ids come from the exporter's paging: they are close together
_CANDIDATE_TYPES = ("text", "zip")
# What a reader may raise on content it was not written for; the export then ends with an
# "unreadable" warning instead of stopping the case's import.
_READ_ERRORS = (
    *JSON_ERRORS,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    zipfile.BadZipFile,
    zlib.error,
)


@dataclass
class ImportSummary:
    case: str
    exports: int = 0
    duplicates: int = 0
    conversations: int = 0
    messages: int = 0
    attachments_linked: int = 0
    entity_mentions: int = 0
    watch_hits: int = 0
    warnings: int = 0
    seconds: float = 0.0
    platforms: dict[str, int] = field(default_factory=dict)


def import_case_chats(
    case: Case,
    store: EvidenceStore,
    *,
    actor: str = "system",
    identifier: LanguageIdentifier | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Imports every chat export of the case not imported yet; audited when it found any."""
    started = time.monotonic()
    summary = ImportSummary(case.name)
    for item, platform in find_chat_exports(case, store):
        if identifier is None:
            identifier = default_identifier()
        _ExportImport(case, item, platform, store, actor, identifier, summary, on_progress).run()
    summary.seconds = time.monotonic() - started
    if summary.exports or summary.duplicates:
        audit_record(
            "chats.import",
            actor=actor,
            case_name=case.name,
            details={
                "exports": summary.exports,
                "duplicates": summary.duplicates,
                "conversations": summary.conversations,
                "messages": summary.messages,
                "attachments_linked": summary.attachments_linked,
                "entity_mentions": summary.entity_mentions,
                "watch_hits": summary.watch_hits,
                "warnings": summary.warnings,
            },
        )
    return summary


def find_chat_exports(case: Case, store: EvidenceStore) -> Iterator[tuple[Item, ReaderPlatform]]:
    """Items of the case whose stored content is a chat export not yet imported."""
    done = ChatExport.objects.filter(
        status__in=[ChatExport.Status.COMPLETE, ChatExport.Status.DUPLICATE]
    ).values("item_id")
    candidates = (
        Item.objects.filter(
            case=case,
            status=Item.Status.PROCESSED,
            blob__isnull=False,
            blob__type_label__in=_CANDIDATE_TYPES,
        )
        .exclude(pk__in=done)
        .select_related("blob")
        .order_by("pk")
    )
    chat_members: dict[int, str | None] = {}
    for item in candidates.iterator(chunk_size=500):
        assert item.blob_id is not None
        if not store.has_blob(item.blob_id):
            continue
        with store.open_blob(item.blob_id) as stream:
            platform = detect(stream)
        if platform is ReaderPlatform.WHATSAPP and _read_with_its_zip(item, store, chat_members):
            continue
        if platform is not None:
            yield item, platform


def _read_with_its_zip(item: Item, store: EvidenceStore, cache: dict[int, str | None]) -> bool:
    """True for the chat text of a WhatsApp export ZIP, a member of it among the items too:
    the ZIP is the export (read with its media), the member is not imported a second time."""
    if item.parent_id is None or not item.origin:
        return False
    if item.parent_id not in cache:
        cache[item.parent_id] = None
        parent = Item.objects.filter(pk=item.parent_id).select_related("blob").first()
        if (
            parent is not None
            and parent.status == Item.Status.PROCESSED  # else the ZIP is no candidate itself
            and parent.blob is not None
            and parent.blob.type_label == "zip"
            and store.has_blob(parent.blob.sha256)
        ):
            with store.open_blob(parent.blob.sha256) as stream:
                try:
                    with zipfile.ZipFile(stream) as archive:
                        cache[item.parent_id] = whatsapp_chat_member(archive)
                except _READ_ERRORS:
                    pass
    return cache[item.parent_id] == str(item.origin[-1])


class _ExportImport:
    def __init__(
        self,
        case: Case,
        item: Item,
        platform: ReaderPlatform,
        store: EvidenceStore,
        actor: str,
        identifier: LanguageIdentifier,
        summary: ImportSummary,
        on_progress: Callable[[int], None] | None,
    ) -> None:
        self.case, self.item, self.platform, self.store = case, item, platform, store
        assert item.blob_id is not None, "candidates all have content"
        self.blob_id: str = item.blob_id
        self.actor, self.identifier, self.summary = actor, identifier, summary
        self.on_progress = on_progress
        self.warnings: list[dict[str, str]] = []
        self.warning_count = 0
        self.counts = {"conversations": 0, "messages": 0, "linked": 0, "mentions": 0, "hits": 0}
        self.participants: dict[tuple[str, str], int] = {}
        self.names: dict[tuple[int, str], list[Any]] = {}
        self.display: dict[int, tuple[datetime | None, str]] = {}
        self.recent_ids: dict[int, OrderedDict[str, int]] = {}
        self.duplicates = 0
        self.conflicting_ids = 0

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> None:
        export = self._begin()
        if export is None:
            return
        self.export = export
        self.scope = f"export:{export.pk}"
        # Rocket.Chat and WhatsApp ZIPs hold their files; other exports lie beside them.
        is_zip = self.item.blob is not None and self.item.blob.type_label == "zip"
        self.locator = AttachmentLocator(
            self.item, export_is_archive=self.platform is ReaderPlatform.ROCKETCHAT or is_zip
        )
        self.entities = EntityWriter(self.case, default_region=_agency_region())
        self.matcher, lists = load_matcher()
        self.watch_run = self._start_watch_run(lists) if self.matcher else None
        conversation: Conversation | None = None
        batch: list[MessageRecord] = []
        for event in self._events():
            if isinstance(event, MessageRecord):
                if conversation is None:
                    conversation = self._conversation(_unnamed(self.platform))
                batch.append(event)
                if len(batch) >= BATCH_MESSAGES:
                    self._write(conversation, batch)
                    batch = []
            elif isinstance(event, ConversationRecord):
                if conversation is not None and batch:
                    self._write(conversation, batch)
                    batch = []
                if self.platform is ReaderPlatform.WHATSAPP and not event.title:
                    event.title = title_from_file_name(self.item.name)
                conversation = self._conversation(event)
            elif isinstance(event, ImportWarning):
                self._warn(event)
        if conversation is not None and batch:
            self._write(conversation, batch)
        self._finish(lists)

    def _events(self) -> Iterator[ConversationRecord | MessageRecord | ImportWarning]:
        """The reader's events; a reader failing on the content ends them with a warning (the
        export is recorded, with what was read before, never taken for plain text)."""
        events = read_export(self.platform, self._open)
        while True:
            try:
                event = next(events)
            except StopIteration:
                return
            except _READ_ERRORS as error:
                yield ImportWarning(
                    "unreadable",
                    f"the {self.platform.value} reader stopped on this file "
                    f"({type(error).__name__}); what came before is imported",
                )
                return
            yield event

    def _open(self) -> IO[bytes]:
        return self.store.open_blob(self.blob_id)

    def _begin(self) -> ChatExport | None:
        with transaction.atomic():
            previous = ChatExport.objects.filter(item=self.item).first()
            if previous is not None:
                # Interrupted earlier: what it wrote is incomplete, so it goes, with the
                # suggestions nobody decided on yet.
                Suggestion.objects.filter(
                    data__chat_export=previous.pk, decisions__isnull=True
                ).delete()
                previous.delete()
            twin = ChatExport.objects.filter(
                case=self.case, item__blob_id=self.item.blob_id, status=ChatExport.Status.COMPLETE
            ).first()
            if twin is not None:
                ChatExport.objects.create(
                    case=self.case,
                    item=self.item,
                    platform=self.platform.value,
                    status=ChatExport.Status.DUPLICATE,
                    same_as=twin,
                    finished_at=timezone.now(),
                )
                self.summary.duplicates += 1
                return None
            return ChatExport.objects.create(
                case=self.case,
                item=self.item,
                platform=self.platform.value,
                provenance={
                    "reader": f"vigil.chats.{self.platform.value}",
                    "reader_version": READER_VERSION,
                    "language": {
                        "tool": self.identifier.tool,
                        "version": self.identifier.version,
                        **self.identifier.parameters,
                    },
                },
            )

    def _start_watch_run(self, lists: list[dict[str, Any]]) -> AnalysisRun:
        return AnalysisRun.objects.create(
            case=self.case,
            tool=WATCHLIST_TOOL,
            tool_version=WATCHLIST_TOOL_VERSION,
            parameters={"watch_lists": lists, "chat_export": self.export.pk},
            started_by=self.actor,
        )

    def _conversation(self, record: ConversationRecord) -> Conversation:
        self.counts["conversations"] += 1
        return Conversation.objects.create(
            case=self.case,
            export=self.export,
            platform=record.platform.value,
            platform_id=record.platform_id[:200],
            title=record.title,
            kind=record.kind[:64],
            details=record.details,
        )

    def _warn(self, warning: ImportWarning) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_RECORDED_WARNINGS:
            entry = {"code": warning.code, "message": warning.message}
            if warning.message_id:
                entry["message_id"] = warning.message_id
            self.warnings.append(entry)

    # -- one batch -------------------------------------------------------------------------
    def _write(self, conversation: Conversation, records: list[MessageRecord]) -> None:
        records = self._without_repeats(conversation, records)
        languages = self.identifier.identify([record.text for record in records])
        with transaction.atomic():
            senders = self._participants(records)
            messages = Message.objects.bulk_create(
                [
                    _message_row(conversation, record, senders.get(index), language)
                    for index, (record, language) in enumerate(zip(records, languages, strict=True))
                ]
            )
            self._attachments(records, messages)
            self.counts["mentions"] += self.entities.write(records, messages)
            self._watch(conversation, records, messages)
            _extend_span(conversation, records)
            conversation.message_count += len(messages)
            conversation.save(update_fields=["message_count", "first_at", "last_at"])
        self.counts["messages"] += len(messages)
        if self.on_progress is not None:
            self.on_progress(self.summary.messages + self.counts["messages"])

    def _without_repeats(
        self, conversation: Conversation, records: list[MessageRecord]
    ) -> list[MessageRecord]:
        """Drops a message repeated under the same id with the same content (exporters page
        with overlaps); keeps both, and says so, when the content differs."""
        recent = self.recent_ids.setdefault(conversation.pk, OrderedDict())
        kept = []
        for record in records:
            fingerprint = hash((record.sent_at, record.text, record.edited_at))
            if record.platform_id and record.platform_id in recent:
                if recent[record.platform_id] == fingerprint:
                    self.duplicates += 1
                    continue
                self.conflicting_ids += 1
            recent[record.platform_id] = fingerprint
            if len(recent) > DUPLICATE_WINDOW:
                recent.popitem(last=False)
            kept.append(record)
        return kept

    def _participants(self, records: list[MessageRecord]) -> dict[int, int]:
        """Participant id per message index; creates the participants first seen here."""
        wanted: dict[tuple[str, str], ParticipantRecord] = {}
        for record in records:
            if record.sender is not None:
                wanted.setdefault(self._participant_key(record.sender), record.sender)
        missing = [key for key in wanted if key not in self.participants]
        if missing:
            Participant.objects.bulk_create(
                [
                    Participant(
                        case=self.case,
                        platform=self.platform.value,
                        scope=scope,
                        platform_id=platform_id,
                        display_name=wanted[(scope, platform_id)].name,
                        is_bot=wanted[(scope, platform_id)].is_bot,
                    )
                    for scope, platform_id in missing
                ],
                ignore_conflicts=True,
            )
            for scope in {scope for scope, _ in missing}:
                ids = [platform_id for key_scope, platform_id in missing if key_scope == scope]
                rows = Participant.objects.filter(
                    case=self.case, platform=self.platform.value, scope=scope, platform_id__in=ids
                ).values_list("platform_id", "pk")
                self.participants.update({(scope, platform_id): pk for platform_id, pk in rows})
        senders: dict[int, int] = {}
        for index, record in enumerate(records):
            if record.sender is None:
                continue
            pk = self.participants[self._participant_key(record.sender)]
            senders[index] = pk
            shown = self.display.get(pk)
            if record.sender.name and (
                shown is None or (record.sent_at or _EPOCH) >= (shown[0] or _EPOCH)
            ):
                self.display[pk] = (record.sent_at, record.sender.name)
            for name in {record.sender.name, record.sender.username} - {""}:
                seen = self.names.setdefault((pk, name), [record.sent_at, record.sent_at, 0])
                seen[2] += 1
                if record.sent_at is not None:
                    seen[0] = min(filter(None, (seen[0], record.sent_at)))
                    seen[1] = max(filter(None, (seen[1], record.sent_at)))
        return senders

    def _participant_key(self, sender: ParticipantRecord) -> tuple[str, str]:
        return (self.scope if sender.export_scoped else "", sender.platform_id[:200])

    def _attachments(self, records: list[MessageRecord], messages: list[Message]) -> None:
        wanted = {
            attachment.path
            for record in records
            for attachment in record.attachments
            if attachment.status is AttachmentStatus.IN_EXPORT
        }
        found = self.locator.locate(wanted)
        rows = []
        for record, message in zip(records, messages, strict=True):
            for attachment in record.attachments:
                status = _STATUS[attachment.status]
                item_id = found.get(attachment.path) if status == "in_export" else None
                if status == "in_export":
                    status = Attachment.Status.LINKED if item_id else Attachment.Status.MISSING
                rows.append(
                    Attachment(
                        message=message,
                        kind=attachment.kind[:32],
                        status=status,
                        path=attachment.path,
                        file_name=attachment.file_name,
                        url=attachment.url,
                        size=attachment.size,
                        mime=attachment.mime[:100],
                        item_id=item_id,
                    )
                )
                self.counts["linked"] += item_id is not None
        Attachment.objects.bulk_create(rows)

    def _watch(
        self, conversation: Conversation, records: list[MessageRecord], messages: list[Message]
    ) -> None:
        if self.watch_run is None:
            return
        suggestions = []
        for record, message in zip(records, messages, strict=True):
            for hit in self.matcher.find(record.text):
                term = hit.term
                suggestions.append(
                    Suggestion(
                        run=self.watch_run,
                        case=self.case,
                        blob_id=self.blob_id,
                        item=self.item,
                        tool=WATCHLIST_TOOL,
                        tool_version=WATCHLIST_TOOL_VERSION,
                        parameters=self.watch_run.parameters,
                        label=f"{term.list_name}: {term.label or term.pattern}"[:200],
                        data={
                            "chat_export": self.export.pk,
                            "conversation": conversation.pk,
                            "message": message.pk,
                            "platform_message_id": message.platform_id,
                            "watch_list": term.list_name,
                            "term": term.term_id,
                            "span": [hit.start, hit.end],
                        },
                    )
                )
        Suggestion.objects.bulk_create(suggestions)
        self.counts["hits"] += len(suggestions)

    # -- the end ---------------------------------------------------------------------------
    def _finish(self, lists: list[dict[str, Any]]) -> None:
        if self.duplicates:
            self._warn(
                ImportWarning(
                    "repeated_messages",
                    f"{self.duplicates} repeats of a message (same id, same content) skipped",
                )
            )
        if self.conflicting_ids:
            self._warn(
                ImportWarning(
                    "conflicting_message_ids",
                    f"{self.conflicting_ids} messages reuse an id with other content; all kept",
                )
            )
        with transaction.atomic():
            self._save_names()
            provenance = {**self.export.provenance, "watch_lists": lists}
            ChatExport.objects.filter(pk=self.export.pk).update(
                status=ChatExport.Status.COMPLETE,
                conversations=self.counts["conversations"],
                messages=self.counts["messages"],
                attachments_linked=self.counts["linked"],
                entity_mentions=self.counts["mentions"],
                watch_hits=self.counts["hits"],
                warnings=self.warnings,
                warning_count=self.warning_count,
                provenance=provenance,
                finished_at=timezone.now(),
            )
            if self.watch_run is not None:
                AnalysisRun.objects.filter(pk=self.watch_run.pk).update(
                    status=AnalysisRun.Status.COMPLETE,
                    items_analyzed=1,
                    finished_at=timezone.now(),
                )
        summary = self.summary
        summary.exports += 1
        summary.conversations += self.counts["conversations"]
        summary.messages += self.counts["messages"]
        summary.attachments_linked += self.counts["linked"]
        summary.entity_mentions += self.counts["mentions"]
        summary.watch_hits += self.counts["hits"]
        summary.warnings += self.warning_count
        summary.platforms[self.platform.value] = summary.platforms.get(self.platform.value, 0) + 1

    def _save_names(self) -> None:
        """Names over time, merged with what earlier exports of the case saw."""
        participant_ids = {pk for pk, _ in self.names}
        existing = {
            (row.participant_id, row.name): row
            for row in ParticipantName.objects.filter(participant_id__in=participant_ids)
        }
        new, changed = [], []
        for (pk, name), (first, last, count) in self.names.items():
            row = existing.get((pk, name))
            if row is None:
                new.append(
                    ParticipantName(
                        participant_id=pk,
                        name=name,
                        first_seen=first,
                        last_seen=last,
                        messages=count,
                    )
                )
                continue
            row.first_seen = _earliest(row.first_seen, first)
            row.last_seen = _latest(row.last_seen, last)
            row.messages += count
            changed.append(row)
        ParticipantName.objects.bulk_create(new, batch_size=1000)
        ParticipantName.objects.bulk_update(
            changed, ["first_seen", "last_seen", "messages"], batch_size=1000
        )
        for pk, (_, name) in self.display.items():
            Participant.objects.filter(pk=pk).update(display_name=name)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_STATUS = {
    AttachmentStatus.IN_EXPORT: "in_export",
    AttachmentStatus.NOT_INCLUDED: Attachment.Status.NOT_INCLUDED,
    AttachmentStatus.REJECTED: Attachment.Status.REJECTED,
    AttachmentStatus.REMOTE: Attachment.Status.REMOTE,
}


def _message_row(
    conversation: Conversation, record: MessageRecord, sender_id: int | None, language: str
) -> Message:
    return Message(
        conversation=conversation,
        platform_id=record.platform_id[:64],
        sent_at=record.sent_at,
        time_is_local=record.time_is_local,
        sender_id=sender_id,
        text=record.text,
        is_service=record.is_service,
        service_action=record.service_action[:64],
        reply_to=record.reply_to[:64],
        forwarded_from=record.forwarded_from,
        forwarded_from_id=record.forwarded_from_id[:200],
        edited_at=record.edited_at,
        language=language,
        details={
            **record.details,
            **({"links": record.link_targets} if record.link_targets else {}),
        },
    )


def _extend_span(conversation: Conversation, records: list[MessageRecord]) -> None:
    times = [record.sent_at for record in records if record.sent_at is not None]
    if times:
        conversation.first_at = _earliest(conversation.first_at, min(times))
        conversation.last_at = _latest(conversation.last_at, max(times))


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(x for x in (a, b) if x is not None) if (a or b) else None


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(x for x in (a, b) if x is not None) if (a or b) else None


def _unnamed(platform: ReaderPlatform) -> ConversationRecord:
    return ConversationRecord(platform=platform, platform_id="", title="", kind="")


def _agency_region() -> str | None:
    from vigil.records.accounts.models import Agency

    country = Agency.objects.order_by("pk").values_list("country", flat=True).first()
    return country if country and country != "ZZ" else None
