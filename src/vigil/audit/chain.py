"""The audit log's hash chain: canonical JSON, entry hashes and verification. No Django here.

The construction, exactly, so that an outside verifier can reimplement it:

1. The *body* of an entry is a JSON object with these nine keys (`BODY_FIELDS`)::

       seq         integer, 1 for the first entry, then consecutive
       created_at  string, UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds, literal "Z")
       actor       string, e.g. "alice", "system", "cli:root"
       action      string, e.g. "item.view", "triage.finish"
       case_name   string or null
       item_id     integer or null
       purpose     string (may be empty)
       outcome     "ok", "refused" or "failed"
       details     object (paths, counts and hashes; never evidence content)

2. Canonical JSON of the body: keys sorted by code point at every level, separators "," and
   ":" (no whitespace), non-ASCII characters written as themselves (not \\u escapes), encoded
   as UTF-8 — Python's ``json.dumps(body, sort_keys=True, separators=(",", ":"),
   ensure_ascii=False, allow_nan=False).encode("utf-8")``. NaN and infinities are refused;
   finite floats are written as Python's shortest round-trip repr (details should prefer
   integers and strings).

3. ``hash = SHA-256( prev_hash + "\\n" + canonical_json(body) )`` as lowercase hex, where
   prev_hash is the 64-hex-digit hash of the previous entry, or `GENESIS` ("0" * 64) for the
   first one, and the prefix is encoded as ASCII.

Verification walks the entries in order and reports, per entry, the first thing wrong:
a seq that is not the next one (`sequence_gap`: an entry deleted, or out of place), a
prev_hash that is not the previous entry's hash (`broken_link`: an entry deleted, inserted or
reordered), a hash that does not match the entry (`hash_mismatch`: an entry edited). An anchor
(the head seq and hash kept outside the database, or notarised) catches what a consistent but
shortened chain hides (`truncated`). After a problem the walk re-synchronises on the stored
values, so a single edit is reported once, at its own position.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

GENESIS = "0" * 64

BODY_FIELDS = (
    "seq",
    "created_at",
    "actor",
    "action",
    "case_name",
    "item_id",
    "purpose",
    "outcome",
    "details",
)

ProblemKind = Literal[
    "hash_mismatch",
    "broken_link",
    "sequence_gap",
    "truncated",
    "anchor_unreadable",
    "anchor_missing",
]

MAX_PROBLEMS = 100  # beyond one break, later problems are mostly its echoes


def canonical_json(entry: Mapping[str, Any]) -> bytes:
    """The one byte form of a JSON value that hashes are computed over (see the module doc)."""
    try:
        text = json.dumps(
            entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError as error:  # NaN or infinity
        raise ValueError(f"audit entries cannot hold NaN or infinity: {error}") from None
    return text.encode("utf-8")


def entry_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii") + b"\n")
    digest.update(canonical_json(body))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ChainEntry:
    seq: int
    created_at: str
    actor: str
    action: str
    case_name: str | None
    item_id: int | None
    purpose: str
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in BODY_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        return {**self.body(), "prev_hash": self.prev_hash, "hash": self.hash}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChainEntry:
        missing = [name for name in (*BODY_FIELDS, "prev_hash", "hash") if name not in data]
        if missing:
            raise ValueError(f"audit entry lacks {', '.join(missing)}")
        if type(data["seq"]) is not int or not isinstance(data["details"], dict):
            raise ValueError("audit entry needs an integer seq and an object of details")
        return cls(**{name: data[name] for name in (*BODY_FIELDS, "prev_hash", "hash")})


@dataclass(frozen=True, slots=True)
class Anchor:
    """A head of the chain recorded elsewhere: the entry at `seq` must have this `hash`."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Problem:
    position: int | None  # the seq expected where the chain goes wrong; None: the anchor file
    kind: ProblemKind
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "kind": self.kind, "message": self.message}


@dataclass(slots=True)
class VerifyResult:
    checked: int = 0
    head: Anchor | None = None  # the last entry walked
    anchor: Anchor | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0  # all problems, also those past MAX_PROBLEMS
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def as_dict(self) -> dict[str, Any]:
        def anchor(value: Anchor | None) -> dict[str, Any] | None:
            return None if value is None else {"seq": value.seq, "hash": value.hash}

        return {
            "ok": self.ok,
            "checked": self.checked,
            "head": anchor(self.head),
            "anchor": anchor(self.anchor),
            "problem_count": self.problem_count,
            "problems": [problem.as_dict() for problem in self.problems],
            "notes": self.notes,
        }


def verify_chain(entries: Iterable[ChainEntry], anchor: Anchor | None = None) -> VerifyResult:
    """Walk `entries` in the given order (by seq, for the database) and report what is wrong."""
    result = VerifyResult(anchor=anchor)
    expected_seq, prev_hash = 1, GENESIS
    hash_at_anchor: str | None = None
    for entry in entries:
        result.checked += 1
        problem = _check(entry, expected_seq, prev_hash)
        if problem is not None:
            result.add(problem)
        if anchor is not None and entry.seq == anchor.seq:
            hash_at_anchor = entry.hash
        # Re-synchronise on what is stored, so one edit is reported once, where it is.
        expected_seq, prev_hash = entry.seq + 1, entry.hash
        result.head = Anchor(entry.seq, entry.hash)
    if anchor is not None:
        last_seq = result.head.seq if result.head else 0
        if last_seq < anchor.seq:
            result.add(
                Problem(
                    last_seq + 1,
                    "truncated",
                    f"the log ends at entry {last_seq} but the anchor records entry "
                    f"{anchor.seq}: entries {last_seq + 1} to {anchor.seq} are gone",
                )
            )
        elif hash_at_anchor != anchor.hash:
            result.add(
                Problem(
                    anchor.seq,
                    "truncated",
                    f"entry {anchor.seq} does not have the anchored hash: the log was cut "
                    "back and written again from there",
                )
            )
    return result


def _check(entry: ChainEntry, expected_seq: int, prev_hash: str) -> Problem | None:
    if entry.seq != expected_seq:
        if entry.seq > expected_seq:
            missing = (
                f"entry {expected_seq} is"
                if entry.seq == expected_seq + 1
                else f"entries {expected_seq} to {entry.seq - 1} are"
            )
            message = f"found entry {entry.seq} where {expected_seq} was due: {missing} missing"
        else:
            message = f"found entry {entry.seq} where {expected_seq} was due: out of order"
        return Problem(expected_seq, "sequence_gap", message)
    if entry.prev_hash != prev_hash:
        return Problem(
            entry.seq,
            "broken_link",
            f"entry {entry.seq} does not follow the entry before it: an entry was deleted, "
            "inserted or moved here",
        )
    try:
        actual = entry_hash(entry.prev_hash, entry.body())
    except (TypeError, ValueError):  # a value JSON cannot hold was written in
        actual = None
    if actual != entry.hash:
        return Problem(
            entry.seq, "hash_mismatch", f"entry {entry.seq} does not match its hash: edited"
        )
    return None
