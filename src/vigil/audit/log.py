"""Appending to the audit log and reading it back. `record` is the only writer of entries.

Writers are serialised so that each entry links to the one committed before it: SQLite runs
every transaction IMMEDIATE (the write lock is taken at BEGIN, see the settings), PostgreSQL
takes a transaction-scoped advisory lock. After each commit the new head (seq and hash) is
written to VIGIL_HOME/audit-head.json, the anchor: a database whose tail was cut off is still a
consistent chain, and only a head kept elsewhere shows that it is shorter than it was.

The anchor only moves forward, and only while the database still holds the entry it names; so
once the tail has been cut, later appends cannot paper over it. A missing anchor fails verify
(deleting it with the tail would hide the cut) unless the caller allows it; verify itself never
writes the anchor. To accept a deliberately restored database, move the anchor aside and verify
allowing a missing anchor: the next entry of any other command writes a new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from vigil import config
from vigil.audit.chain import (
    GENESIS,
    Anchor,
    Problem,
    VerifyResult,
    canonical_json,
    entry_hash,
    verify_chain,
)
from vigil.core.fs import atomic_file
from vigil.records.audit.models import AuditEntry

ANCHOR_FILE = "audit-head.json"
# One advisory lock key for every audit writer on PostgreSQL ("VIGILA" in ASCII).
_POSTGRESQL_LOCK_KEY = 0x56_49_47_49_4C_41
_OUTCOMES = frozenset(AuditEntry.Outcome.values)


class AnchorError(ValueError):
    """The anchor file exists but does not hold a head."""


def record(
    action: str,
    *,
    actor: str,
    outcome: str = "ok",
    case_name: str | None = None,
    item_id: int | None = None,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    move_anchor: bool = True,
) -> AuditEntry:
    """Append one entry. `details` holds paths, counts and hashes, never evidence content.
    `move_anchor=False` leaves the anchor file as it is (verify: it must not create or move
    the evidence it checks)."""
    if not action or not actor:
        raise ValueError("an audit entry needs an action and an actor")
    if outcome not in _OUTCOMES:
        raise ValueError(f"outcome must be one of {sorted(_OUTCOMES)}, not {outcome!r}")
    # Hash what the database will give back: tuples become lists, keys strings, and so on.
    clean_details = json.loads(canonical_json(details or {}))
    with transaction.atomic():
        _lock_out_other_writers()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        body: dict[str, Any] = {
            "seq": seq,
            "created_at": _utc_now(),
            "actor": actor,
            "action": action,
            "case_name": case_name,
            "item_id": item_id,
            "purpose": purpose,
            "outcome": outcome,
            "details": clean_details,
        }
        entry = AuditEntry(**body, prev_hash=prev_hash, hash=entry_hash(prev_hash, body))
        entry.save()
        head = Anchor(entry.seq, entry.hash)
        if move_anchor:
            # After the outermost commit only: a rolled-back entry must never become the anchor.
            transaction.on_commit(lambda: advance_anchor(head))
    return entry


def current_head() -> Anchor | None:
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return Anchor(*last) if last else None


def entries(up_to: int | None = None) -> Iterator[AuditEntry]:
    """All entries in chain order, streamed; up to seq `up_to` if given."""
    rows = AuditEntry.objects.order_by("seq")
    if up_to is not None:
        rows = rows.filter(seq__lte=up_to)
    return rows.iterator(chunk_size=2000)


def recent(limit: int) -> list[AuditEntry]:
    return list(reversed(AuditEntry.objects.order_by("-seq")[:limit]))


def verify_log(*, allow_missing_anchor: bool = False) -> VerifyResult:
    """Verify the chain in the database against the anchor file. No anchor file is a problem
    (`anchor_missing`): a tail cut together with the anchor would otherwise go unseen; with
    `allow_missing_anchor` (a restored database, the anchor moved aside on purpose) a note."""
    # The anchor first: it is written after commit, so every entry it names is already visible.
    unreadable: AnchorError | None = None
    try:
        anchor = read_anchor()
    except AnchorError as error:
        anchor, unreadable = None, error
    result = verify_chain((row.to_chain_entry() for row in entries()), anchor)
    if unreadable is not None:
        result.add(Problem(None, "anchor_unreadable", str(unreadable)))
    elif anchor is None and not allow_missing_anchor:
        result.add(
            Problem(
                None,
                "anchor_missing",
                f"no anchor file ({anchor_path()}): a cut-off tail cannot be detected, and "
                "deleting the anchor is how one would be hidden",
            )
        )
    elif anchor is None and result.checked:
        result.notes.append(
            f"no anchor file ({anchor_path()}): a cut-off tail cannot be detected this time"
        )
    elif anchor is not None and result.head is not None and result.head.seq > anchor.seq:
        result.notes.append(
            f"{result.head.seq - anchor.seq} entries after the anchored entry {anchor.seq}"
        )
    return result


def cli_actor() -> str:
    """Who runs the command: the login name (the person behind sudo), else the user."""
    try:
        name = os.getlogin()
    except OSError:  # no controlling terminal: cron, CI, a subprocess
        try:
            name = getpass.getuser()
        except (OSError, KeyError):  # a container user without a passwd entry
            name = f"uid{os.getuid()}"
    return f"cli:{name}"


# -- the anchor file ---------------------------------------------------------------------------


def anchor_path() -> Path:
    return config.vigil_home() / ANCHOR_FILE


def read_anchor(path: Path | None = None) -> Anchor | None:
    path = path or anchor_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        seq, head_hash = data["seq"], data["hash"]
    except (ValueError, KeyError, TypeError):
        raise AnchorError(f"{path} does not hold an audit head") from None
    if type(seq) is not int or seq < 1 or not _is_sha256_hex(head_hash):
        raise AnchorError(f"{path} does not hold an audit head")
    return Anchor(seq, head_hash)


def advance_anchor(head: Anchor) -> None:
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _anchor_lock(path):
        try:
            current = read_anchor(path)
        except AnchorError:
            return  # keep the damaged file for verify to report
        if current is not None:
            if head.seq <= current.seq:
                return  # a concurrent writer already anchored a later entry
            if not AuditEntry.objects.filter(seq=current.seq, hash=current.hash).exists():
                return  # the anchored entry is gone: the anchor is the evidence of that
        with atomic_file(path) as handle:
            handle.write(canonical_json({"seq": head.seq, "hash": head.hash}) + b"\n")


@contextlib.contextmanager
def _anchor_lock(path: Path) -> Iterator[None]:
    # Commits and anchor writes of two processes can interleave; the check-and-write cannot.
    with open(path.with_name(path.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _lock_out_other_writers() -> None:
    # SQLite holds the database write lock from BEGIN IMMEDIATE on. On PostgreSQL there may be
    # no last row to lock yet, so an advisory lock, released at commit or rollback.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_POSTGRESQL_LOCK_KEY])


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _is_sha256_hex(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 64
        and all(char in "0123456789abcdef" for char in value)
    )
