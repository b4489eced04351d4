"""The audit table in a real database: entries only ever added, chained, and anchored."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("django_instance")


def _record(action: str = "item.view", **fields: object):  # type: ignore[no-untyped-def]
    from vigil.audit.log import record

    return record(action, actor="alice", **fields)  # type: ignore[arg-type]


def test_the_orm_refuses_to_change_a_saved_entry() -> None:
    from vigil.records.audit.models import AppendOnlyError

    entry = _record(purpose="review")
    entry.purpose = "something else"
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_the_orm_refuses_to_delete_an_entry() -> None:
    from vigil.records.audit.models import AppendOnlyError, AuditEntry

    entry = _record()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_refuses_bulk_updates() -> None:
    from vigil.records.audit.models import AppendOnlyError, AuditEntry

    entry = _record()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor="mallory")


def test_a_new_object_with_an_existing_key_cannot_overwrite_an_entry() -> None:
    from django.db import IntegrityError, transaction

    from vigil.records.audit.models import AuditEntry

    entry = _record()
    copy = AuditEntry.objects.get(pk=entry.pk)
    copy._state.adding = True
    copy.actor = "mallory"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor == "alice"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET actor = 'mallory' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(statement: str) -> None:
    from django.db import DatabaseError, connection

    from vigil.records.audit.models import AuditEntry

    entry = _record()
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).actor == "alice"


def test_each_entry_links_to_the_one_before_and_the_anchor_follows_the_head() -> None:
    from vigil.audit.log import current_head, read_anchor

    first = _record()
    second = _record("item.view", outcome="refused", case_name="op", item_id=7, purpose="x")
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert read_anchor() == current_head()
    assert current_head() is not None and current_head().hash == second.hash  # type: ignore[union-attr]


def test_the_details_are_stored_in_the_form_that_was_hashed() -> None:
    from vigil.audit.log import verify_log
    from vigil.records.audit.models import AuditEntry

    entry = _record(details={"counts": (1, 2), "path": "DCIM/ü.jpg", "seconds": 0.1})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.details == {"counts": [1, 2], "path": "DCIM/ü.jpg", "seconds": 0.1}
    assert verify_log().ok


def test_an_unknown_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="outcome"):
        _record(outcome="maybe")


def test_a_rolled_back_entry_never_becomes_the_anchor() -> None:
    from django.db import transaction

    from vigil.audit.log import current_head, read_anchor

    _record()
    before = read_anchor()
    with pytest.raises(RuntimeError), transaction.atomic():
        _record(action="triage.start")
        raise RuntimeError("the surrounding work failed")
    assert read_anchor() == before == current_head()


def test_concurrent_writers_get_consecutive_entries_in_one_chain() -> None:
    from django.db import connection

    from vigil.audit.log import current_head, verify_log

    start = current_head()
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for _ in range(5):
                _record(details={"writer": name})
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    end = current_head()
    assert end is not None and end.seq == (start.seq if start else 0) + 20
    result = verify_log()
    assert result.ok, result.problems


@pytest.mark.parametrize("content", ["not json", '{"seq": 0, "hash": "00"}', '{"seq": "3"}'])
def test_an_anchor_file_that_holds_no_head_is_an_error(tmp_path: Path, content: str) -> None:
    from vigil.audit.log import AnchorError, read_anchor

    path = tmp_path / "audit-head.json"
    path.write_text(content)
    with pytest.raises(AnchorError):
        read_anchor(path)
