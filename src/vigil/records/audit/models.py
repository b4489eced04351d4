"""The audit log's rows: append-only, each one hash-chained to the one before.

The ORM refuses to change or delete a row; the migration adds database triggers that refuse it
too. Neither stops someone with the database file in hand, which is what the chain is for.
`vigil.audit.log.record` is the only writer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from vigil.audit.chain import ChainEntry


class AppendOnlyError(RuntimeError):
    """Something tried to change or delete an audit entry."""


def _refuse(what: str) -> AppendOnlyError:
    return AppendOnlyError(f"the audit log is append-only: {what} is not allowed")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    # Bulk paths skip Model.save()/delete(), so they are closed here too.
    def update(self, **kwargs: Any) -> int:
        raise _refuse("update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse("delete")


class AuditEntry(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok"
        REFUSED = "refused"
        FAILED = "failed"

    seq = models.BigIntegerField(unique=True)
    # Text, not DateTimeField: the hashed form must come back byte for byte from any database.
    created_at = models.CharField(max_length=32, help_text="UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ")
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=64, db_index=True)
    # Plain values, not foreign keys: deleting a case must never delete its audit trail.
    case_name = models.CharField(max_length=200, null=True, blank=True, db_index=True)
    item_id = models.BigIntegerField(null=True, blank=True)
    purpose = models.TextField(blank=True, default="")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.actor} {self.outcome}"

    def save(
        self,
        *,
        force_insert: bool | tuple[models.base.ModelBase, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        if not self._state.adding or force_update or update_fields is not None:
            raise _refuse("changing an entry")
        # Always INSERT: with a primary key set, Django would otherwise try an UPDATE first.
        super().save(force_insert=True, using=using)

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        raise _refuse("deleting an entry")

    def to_chain_entry(self) -> ChainEntry:
        return ChainEntry(
            seq=self.seq,
            created_at=self.created_at,
            actor=self.actor,
            action=self.action,
            case_name=self.case_name,
            item_id=self.item_id,
            purpose=self.purpose,
            outcome=self.outcome,
            details=self.details,
            prev_hash=self.prev_hash,
            hash=self.hash,
        )
