"""`vigil audit` on real instances: an attacker with the database file in hand edits, deletes,
inserts, swaps or cuts entries (dropping the triggers first), and `vigil audit verify` names
the first bad position and exits 1."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.builders.seizure import photo_bytes
from tests.cli.test_cli import vigil
from tests.instance import RawDatabase, copy_instance, on_postgresql
from vigil.audit.chain import BODY_FIELDS, Anchor, ChainEntry, entry_hash, verify_chain

pytestmark = pytest.mark.slow

# instance.init, triage.start, triage.finish, verify.case, audit.read (ls), audit.read (head)
ENTRIES = 6


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance whose audit log was written by real commands."""
    base = tmp_path_factory.mktemp("audit")
    seizure = base / "seizure"
    seizure.mkdir()
    (seizure / "a.jpg").write_bytes(photo_bytes(1))
    home = base / "home"
    vigil(home, "init")
    vigil(home, "triage", str(seizure), "--case", "op", "--executor", "inline", "--quiet")
    vigil(home, "verify", "--case", "op")
    vigil(home, "audit", "ls")
    head = json.loads(vigil(home, "audit", "head", "--json").stdout)
    assert head["seq"] == ENTRIES
    return home


@pytest.fixture
def home(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    copy_instance(pristine, copy)
    return copy


@contextmanager
def attacker(home: Path) -> Iterator[RawDatabase]:
    """The database opened directly, its append-only triggers dropped."""
    with RawDatabase(home) as db:
        db.drop_audit_guards()
        yield db
        db.commit()


def row(db: RawDatabase, seq: int) -> dict[str, object]:
    found = db.fetch_row("SELECT * FROM audit_auditentry WHERE seq = ?", (seq,))
    assert found is not None
    return found


def edit_a_field(db: RawDatabase) -> None:
    db.execute("UPDATE audit_auditentry SET actor = 'cli:someone-else' WHERE seq = 3")


def delete_an_entry(db: RawDatabase) -> None:
    db.execute("DELETE FROM audit_auditentry WHERE seq = 3")


def insert_a_forged_entry(db: RawDatabase) -> None:
    # A forger who read the README: the new entry is well made and links to entry 2.
    for seq in range(ENTRIES, 2, -1):  # top down, so seq stays unique
        db.execute("UPDATE audit_auditentry SET seq = seq + 1 WHERE seq = ?", (seq,))
    body = {name: row(db, 2)[name] for name in BODY_FIELDS}
    body.update(seq=3, action="item.view", details={}, purpose="nothing to see")
    prev_hash = str(row(db, 2)["hash"])
    db.execute(
        "INSERT INTO audit_auditentry (seq, created_at, actor, action, case_name, item_id, "
        "purpose, outcome, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            *(json.dumps(body[n]) if n == "details" else body[n] for n in BODY_FIELDS),
            prev_hash,
            entry_hash(prev_hash, body),
        ),
    )


def swap_two_entries(db: RawDatabase) -> None:
    db.execute("UPDATE audit_auditentry SET seq = -1 WHERE seq = 2")
    db.execute("UPDATE audit_auditentry SET seq = 2 WHERE seq = 3")
    db.execute("UPDATE audit_auditentry SET seq = 3 WHERE seq = -1")


def truncate_the_tail(db: RawDatabase) -> None:
    db.execute("DELETE FROM audit_auditentry WHERE seq > 3")


@pytest.mark.parametrize(
    ("tamper", "position", "kind"),
    [
        (edit_a_field, 3, "hash_mismatch"),
        (delete_an_entry, 3, "sequence_gap"),
        (insert_a_forged_entry, 4, "broken_link"),  # the forgery is sound; its successor isn't
        (swap_two_entries, 2, "broken_link"),
        (truncate_the_tail, 4, "truncated"),
    ],
)
def test_verify_names_the_first_bad_position_of_each_kind_of_tampering(
    home: Path, tamper: Callable[[RawDatabase], None], position: int, kind: str
) -> None:
    with attacker(home) as db:
        tamper(db)
    result = vigil(home, "audit", "verify", check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"first bad position {position} ({kind})" in result.stdout


def test_an_untouched_copy_verifies_and_the_check_is_itself_recorded(home: Path) -> None:
    result = vigil(home, "audit", "verify", "--json")
    report = json.loads(result.stdout)
    assert report["ok"] and report["checked"] == ENTRIES
    assert report["anchor"] == report["head"]
    last = json.loads(vigil(home, "audit", "ls", "--limit", "2", "--json").stdout)
    assert [(e["action"], e["outcome"]) for e in last] == [
        ("audit.verify", "ok"),
        ("audit.read", "ok"),
    ]


def test_the_database_file_refuses_edits_until_the_triggers_are_dropped(home: Path) -> None:
    with RawDatabase(home) as db:
        for statement in (
            "UPDATE audit_auditentry SET actor = 'x' WHERE seq = 1",
            "DELETE FROM audit_auditentry WHERE seq = 1",
        ):
            with pytest.raises(Exception, match="append-only"):  # the driver's own error type
                db.execute(statement)
            db.rollback()


def test_a_cut_tail_stays_visible_after_later_entries(home: Path) -> None:
    with attacker(home) as db:
        truncate_the_tail(db)
    # Each verify appends an entry; the anchor must not move on to cover the cut.
    for _ in range(3):
        result = vigil(home, "audit", "verify", check=False)
        assert result.returncode == 1 and "(truncated)" in result.stdout


def test_a_missing_anchor_fails_unless_allowed_and_verify_never_writes_one(home: Path) -> None:
    anchor = home / "audit-head.json"
    anchor.unlink()
    for _ in range(2):  # the first verify's own entry must not bring the anchor back
        result = vigil(home, "audit", "verify", check=False)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "cannot be checked for a cut tail" in result.stdout
        assert "--allow-missing-anchor" in result.stdout
        assert not anchor.exists()
    report = json.loads(vigil(home, "audit", "verify", "--json", check=False).stdout)
    assert not report["ok"] and report["problems"][0]["kind"] == "anchor_missing"
    allowed = vigil(home, "audit", "verify", "--allow-missing-anchor", "--json")
    report = json.loads(allowed.stdout)
    assert report["ok"] and report["anchor"] is None
    assert "no anchor file" in report["notes"][0]
    assert not anchor.exists()
    vigil(home, "audit", "ls")  # any other command's entry anchors the log again
    assert json.loads(anchor.read_text())["seq"] == ENTRIES + 5


def test_a_cut_tail_with_its_anchor_deleted_fails(home: Path) -> None:
    with attacker(home) as db:
        truncate_the_tail(db)
    (home / "audit-head.json").unlink()
    for _ in range(2):
        result = vigil(home, "audit", "verify", check=False)
        assert result.returncode == 1, result.stdout + result.stderr
        assert not (home / "audit-head.json").exists()  # not re-created at the cut


def test_verify_leaves_the_anchor_where_it_was(home: Path) -> None:
    anchor = (home / "audit-head.json").read_bytes()
    vigil(home, "audit", "verify")
    assert (home / "audit-head.json").read_bytes() == anchor
    report = json.loads(vigil(home, "audit", "verify", "--json").stdout)
    assert report["ok"] and report["head"]["seq"] == report["anchor"]["seq"] + 1


def test_verify_of_a_missing_instance_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    mistyped = tmp_path / "vigil-dta"
    result = vigil(mistyped, "audit", "verify", check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no Vigil instance" in result.stderr and "intact" not in result.stdout
    assert not mistyped.exists()
    if on_postgresql():
        return  # the database is not in the home there
    # A folder without its database is no instance either, and gets none.
    mistyped.mkdir()
    assert vigil(mistyped, "audit", "verify", check=False).returncode == 2
    assert list(mistyped.iterdir()) == []


def test_the_export_holds_every_entry_with_a_chain_that_verifies(home: Path) -> None:
    out = home.parent / "audit.jsonl"
    result = vigil(home, "audit", "export", "--out", str(out))
    lines = out.read_bytes().splitlines()
    assert len(lines) == ENTRIES
    exported = [ChainEntry.from_dict(json.loads(line)) for line in lines]
    assert verify_chain(exported, Anchor(exported[-1].seq, exported[-1].hash)).ok
    sha256 = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"sha256 {sha256}" in result.stdout
    last = json.loads(vigil(home, "audit", "ls", "--limit", "2", "--json").stdout)[0]
    assert last["action"] == "audit.export" and last["details"]["sha256"] == sha256
