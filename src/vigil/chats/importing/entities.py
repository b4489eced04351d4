"""Entities of a batch of messages into the database: one Entity row per (kind, value) for the
whole instance, one EntityMention per occurrence in a message of a case."""

from __future__ import annotations

from collections.abc import Sequence

from vigil.chats.entities import EntityHit, extract
from vigil.chats.records import MessageRecord
from vigil.records.cases.models import Case
from vigil.records.chats.models import MAX_ENTITY_LENGTH, Entity, EntityMention, Message


class EntityWriter:
    def __init__(self, case: Case, *, default_region: str | None) -> None:
        self.case = case
        self.default_region = default_region
        self._ids: dict[tuple[str, str], int] = {}
        self.too_long = 0

    def write(self, records: Sequence[MessageRecord], messages: Sequence[Message]) -> int:
        """Extracts and stores the entities of the messages; returns the mentions written."""
        found: list[tuple[Message, EntityHit]] = []
        for record, message in zip(records, messages, strict=True):
            if not record.text and not record.link_targets:
                continue
            hits = extract(
                record.text, link_targets=record.link_targets, default_region=self.default_region
            )
            for hit in hits:
                if len(hit.value) > MAX_ENTITY_LENGTH:
                    self.too_long += 1
                    continue
                found.append((message, hit))
        if not found:
            return 0
        self._ensure_entities([hit for _, hit in found])
        EntityMention.objects.bulk_create(
            [
                EntityMention(
                    entity_id=self._ids[(hit.kind.value, hit.value)],
                    message=message,
                    case=self.case,
                    start=hit.start,
                    end=hit.end,
                )
                for message, hit in found
            ]
        )
        return len(found)

    def _ensure_entities(self, hits: list[EntityHit]) -> None:
        missing = {(hit.kind.value, hit.value): hit for hit in hits}
        for key in list(missing):
            if key in self._ids:
                del missing[key]
        if not missing:
            return
        Entity.objects.bulk_create(
            [
                Entity(kind=kind, value=value, details=hit.details)
                for (kind, value), hit in missing.items()
            ],
            ignore_conflicts=True,
        )
        for kind in {kind for kind, _ in missing}:
            values = [value for key_kind, value in missing if key_kind == kind]
            rows = Entity.objects.filter(kind=kind, value__in=values).values_list("value", "pk")
            self._ids.update({(kind, value): pk for value, pk in rows})
