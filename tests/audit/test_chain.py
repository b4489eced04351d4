"""The hash chain on its own: the construction pinned by a known answer, every tamper found."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from typing import Any

import pytest

from vigil.audit.chain import (
    GENESIS,
    Anchor,
    ChainEntry,
    canonical_json,
    entry_hash,
    verify_chain,
)

KNOWN_BODY: dict[str, Any] = {
    "seq": 1,
    "created_at": "2025-01-02T03:04:05.000006Z",
    "actor": "alice",
    "action": "item.view",
    "case_name": "Op Ø",
    "item_id": 42,
    "purpose": "review",
    "outcome": "refused",
    "details": {"z": None, "a": [1, "x"]},
}
KNOWN_CANONICAL = (
    '{"action":"item.view","actor":"alice","case_name":"Op Ø",'
    '"created_at":"2025-01-02T03:04:05.000006Z","details":{"a":[1,"x"],"z":null},'
    '"item_id":42,"outcome":"refused","purpose":"review","seq":1}'
).encode()
KNOWN_HASH = "828385c231c705a0c642175ea4585bc5a44c503f86f407db738d4bb76b688a45"


def build_chain(length: int) -> list[ChainEntry]:
    chain: list[ChainEntry] = []
    prev = GENESIS
    for seq in range(1, length + 1):
        entry = forge(seq, prev, action="item.view", item_id=seq)
        chain.append(entry)
        prev = entry.hash
    return chain


def forge(seq: int, prev_hash: str, **fields: Any) -> ChainEntry:
    """An entry with a correct hash for what it says, as anyone who read the docs can make."""
    body = {
        "seq": seq,
        "created_at": f"2025-01-01T00:00:{seq:02d}.000000Z",
        "actor": "alice",
        "action": "item.view",
        "case_name": "op",
        "item_id": None,
        "purpose": "review",
        "outcome": "ok",
        "details": {},
        **fields,
    }
    return ChainEntry(**body, prev_hash=prev_hash, hash=entry_hash(prev_hash, body))


def first_problem(entries: list[ChainEntry], anchor: Anchor | None = None) -> tuple[Any, str]:
    result = verify_chain(entries, anchor)
    assert not result.ok and result.first is not None
    return result.first.position, result.first.kind


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_unicode() -> None:
    assert canonical_json(KNOWN_BODY) == KNOWN_CANONICAL


def test_the_hash_is_sha256_of_the_previous_hash_a_newline_and_the_canonical_body() -> None:
    expected = hashlib.sha256(GENESIS.encode() + b"\n" + KNOWN_CANONICAL).hexdigest()
    assert entry_hash(GENESIS, KNOWN_BODY) == expected == KNOWN_HASH


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="NaN or infinity"):
        canonical_json({"details": {"score": bad}})


def test_datetimes_must_arrive_as_strings() -> None:
    import datetime

    with pytest.raises(TypeError):
        canonical_json({"created_at": datetime.datetime.now(datetime.UTC)})


def test_an_intact_chain_verifies_up_to_its_anchor() -> None:
    chain = build_chain(5)
    result = verify_chain(chain, Anchor(5, chain[-1].hash))
    assert result.ok and result.checked == 5
    assert result.head == Anchor(5, chain[-1].hash)


def test_an_empty_chain_without_anchor_is_intact() -> None:
    assert verify_chain([], None).ok


def test_an_export_round_trips_through_dicts() -> None:
    chain = build_chain(3)
    assert [ChainEntry.from_dict(entry.as_dict()) for entry in chain] == chain


def test_editing_a_field_is_found_at_its_position_and_only_there() -> None:
    chain = build_chain(5)
    chain[2] = dataclasses.replace(chain[2], actor="mallory")
    result = verify_chain(chain)
    assert [(p.position, p.kind) for p in result.problems] == [(3, "hash_mismatch")]


def test_editing_the_details_is_found() -> None:
    chain = build_chain(3)
    chain[1] = dataclasses.replace(chain[1], details={"note": "added later"})
    assert first_problem(chain) == (2, "hash_mismatch")


def test_deleting_an_entry_is_found_at_its_position() -> None:
    chain = build_chain(5)
    del chain[2]
    assert first_problem(chain) == (3, "sequence_gap")


def test_deleting_an_entry_and_renumbering_the_rest_breaks_the_link() -> None:
    chain = build_chain(5)
    del chain[2]
    chain[2:] = [dataclasses.replace(e, seq=e.seq - 1) for e in chain[2:]]
    assert first_problem(chain) == (3, "broken_link")


def test_inserting_a_forged_entry_breaks_the_link_to_the_next_one() -> None:
    chain = build_chain(5)
    # The forgery itself is well made; the entry after it no longer follows it.
    forged = forge(3, chain[1].hash, actor="mallory")
    later = [dataclasses.replace(e, seq=e.seq + 1) for e in chain[2:]]
    assert first_problem([*chain[:2], forged, *later]) == (4, "broken_link")


def test_inserting_an_entry_with_a_made_up_hash_is_found_where_it_is() -> None:
    chain = build_chain(4)
    forged = dataclasses.replace(chain[1], seq=3, prev_hash=chain[1].hash, actor="mallory")
    later = [dataclasses.replace(e, seq=e.seq + 1) for e in chain[2:]]
    assert first_problem([*chain[:2], forged, *later]) == (3, "hash_mismatch")


def test_swapping_two_entries_is_found_at_the_first_of_them() -> None:
    chain = build_chain(5)
    second, third = chain[1], chain[2]
    chain[1] = dataclasses.replace(third, seq=2)
    chain[2] = dataclasses.replace(second, seq=3)
    assert first_problem(chain) == (2, "broken_link")


def test_swapping_two_lines_of_an_export_is_found() -> None:
    chain = build_chain(5)
    chain[1], chain[2] = chain[2], chain[1]
    assert first_problem(chain) == (2, "sequence_gap")


def test_cutting_the_tail_is_found_only_with_the_anchor() -> None:
    chain = build_chain(6)
    anchor = Anchor(6, chain[-1].hash)
    assert verify_chain(chain[:4]).ok
    assert first_problem(chain[:4], anchor) == (5, "truncated")


def test_cutting_everything_is_found_with_the_anchor() -> None:
    chain = build_chain(2)
    assert first_problem([], Anchor(2, chain[-1].hash)) == (1, "truncated")


def test_cutting_the_tail_and_writing_a_new_one_is_found_at_the_anchored_entry() -> None:
    chain = build_chain(5)
    anchor = Anchor(5, chain[-1].hash)
    rewritten = chain[:3]
    for seq in (4, 5, 6):
        rewritten.append(forge(seq, rewritten[-1].hash, actor="mallory"))
    assert first_problem(rewritten, anchor) == (5, "truncated")


def test_problems_carry_a_plain_message() -> None:
    chain = build_chain(3)
    del chain[1]
    result = verify_chain(chain)
    assert result.first is not None
    assert result.first.message == "found entry 3 where 2 was due: entry 2 is missing"
    assert result.as_dict()["problems"][0]["position"] == 2
