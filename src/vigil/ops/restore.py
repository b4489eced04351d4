"""`vigil restore DIR`: a verified backup into an empty instance, then proof that it arrived.

Nothing is touched unless the backup verifies against its manifest and the instance is empty
(no cases, content, users, hash lists or audit entries; an empty store; no audit anchor).
After copying, the instance is checked as an investigator would check it: every table's rows
counted against the manifest, the audit chain verified against its restored anchor and head,
every stored copy of every case re-hashed (as `vigil verify`). The restore is then written to
the audit log with its outcome.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management import call_command

from vigil import config
from vigil.audit.log import ANCHOR_FILE, anchor_path, record, verify_log
from vigil.ops import database
from vigil.ops.backup import EXPORTS
from vigil.ops.manifest import (
    CHECKSUMS,
    ManifestError,
    check_backup,
    copy_hashing,
    read_manifest,
)
from vigil.store.evidence import EvidenceStore

READ_ONLY = 0o400  # as the store writes them: the owner only
ANCHOR_MODE = 0o600
# Django fills these itself when a newer Vigil migrates an older backup; not evidence.
_BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


class RestoreRefused(RuntimeError):
    """The restore did not start; the instance was left as it was."""


class BackupDoesNotVerify(RestoreRefused):
    """The backup differs from its manifest: files changed, missing or added."""


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass(slots=True)
class RestoreReport:
    source: Path
    manifest: dict[str, Any]
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "ok": self.ok,
            "counts": self.manifest["counts"],
            "audit_head": self.manifest["audit_head"],
            "checks": [check.as_dict() for check in self.checks],
        }


def restore_backup(source: Path, *, actor: str) -> RestoreReport:
    source = source.absolute()
    manifest = _verified_manifest(source)
    store = EvidenceStore(config.store_root(config.vigil_home()))
    _refuse_unless_empty(store)
    database.restore(source / manifest["database"]["file"])
    report = RestoreReport(source, manifest)
    report.checks.append(_copy_files_back(source, store))
    # A backup of an older Vigil is brought up to this version's schema, as at every start.
    call_command("migrate", interactive=False, verbosity=0)
    report.checks += [
        _check_tables(manifest),
        _check_audit(manifest),
        _check_store(manifest, store),
    ]
    record(
        "backup.restore",
        actor=actor,
        outcome="ok" if report.ok else "failed",
        details={
            "source": str(source),
            "created_at": manifest["created_at"],
            "vigil_version": manifest["vigil_version"],
            "checksums_sha256": manifest["checksums"]["sha256"],
            "failed_checks": [check.name for check in report.checks if not check.ok],
        },
    )
    return report


def _verified_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = read_manifest(source)
    except ManifestError as error:
        raise RestoreRefused(str(error)) from None
    checked = check_backup(source)
    if not checked.ok:
        listed = "\n  ".join(checked.problems)
        raise BackupDoesNotVerify(f"the backup does not verify, nothing was restored:\n  {listed}")
    saved_vendor = manifest["database"]["vendor"]
    if saved_vendor != database.vendor():
        raise RestoreRefused(
            f"the backup holds a {saved_vendor} database and this instance uses "
            f"{database.vendor()}: restore into an instance of the same kind"
        )
    return manifest


def _refuse_unless_empty(store: EvidenceStore) -> None:
    found = [f"rows in {table}" for table in database.occupied_tables()]
    for folder in (store.blobs, store.thumbs, config.vigil_home() / EXPORTS):
        if folder.is_dir() and any(files for _, _, files in os.walk(folder)):
            found.append(f"files in {folder}")
    if anchor_path().exists():
        found.append(f"an audit anchor at {anchor_path()}")
    if found:
        raise RestoreRefused(
            f"{config.vigil_home()} is not an empty instance ({'; '.join(found)}): restore "
            "only into a new instance, so that nothing in it is overwritten"
        )


def _copy_files_back(source: Path, store: EvidenceStore) -> Check:
    home = config.vigil_home()
    copied, changed = 0, []
    with open(source / CHECKSUMS, encoding="utf-8") as sums:
        for line in sums:
            expected, _, relative = line.rstrip("\n").partition("  ")
            if relative == ANCHOR_FILE:
                target, mode = anchor_path(), ANCHOR_MODE  # rewritten as the log grows
            elif relative.startswith("store/"):
                target, mode = store.root / relative.removeprefix("store/"), READ_ONLY
            elif relative.startswith(f"{EXPORTS}/"):
                target, mode = home / relative, READ_ONLY
            else:
                continue  # the database file, already restored
            sha256, _size = copy_hashing(source / relative, target, mode)
            copied += 1
            if sha256 != expected:
                changed.append(relative)
    store.create().sync()
    if changed:
        return Check("files", False, f"changed while restoring: {', '.join(changed[:20])}")
    return Check("files", True, f"{copied:,} files copied into {home}")


def _check_tables(manifest: dict[str, Any]) -> Check:
    restored = database.live_facts().tables
    differing = [
        f"{table}: {restored.get(table, 0):,} rows, manifest {count:,}"
        for table, count in manifest["tables"].items()
        if table not in _BOOKKEEPING_TABLES and restored.get(table, 0) != count
    ]
    if differing:
        return Check("counts", False, "; ".join(differing))
    counts = manifest["counts"]
    return Check(
        "counts",
        True,
        f"every table as in the manifest: {counts['cases']:,} cases, {counts['items']:,} items, "
        f"{counts['blobs']:,} blobs, {counts['audit_entries']:,} audit entries",
    )


def _check_audit(manifest: dict[str, Any]) -> Check:
    result = verify_log()
    head = database.live_facts().audit_head
    if head != manifest["audit_head"]:
        return Check(
            "audit", False, f"head is {head}, the manifest records {manifest['audit_head']}"
        )
    if not result.ok:
        first = result.first
        assert first is not None
        return Check(
            "audit", False, f"chain broken at {first.position} ({first.kind}): {first.message}"
        )
    seq = head["seq"] if head else 0
    return Check("audit", True, f"chain of {result.checked:,} entries intact, head {seq} as saved")


def _check_store(manifest: dict[str, Any], store: EvidenceStore) -> Check:
    from vigil.ops.case_verify import verify_case
    from vigil.records.cases.models import Case

    checked, problems = 0, []
    for case in Case.objects.order_by("name"):
        report = verify_case(case, store)
        checked += report.checked
        problems += [f"{p.kind} {p.sha256} ({case.name})" for p in report.problems]
    stored = sum(len(files) for _, _, files in os.walk(store.blobs))
    if stored != manifest["store"]["blobs"]:
        problems.append(
            f"{stored:,} stored blobs, the manifest records {manifest['store']['blobs']:,}"
        )
    if problems:
        return Check("store", False, "; ".join(problems[:20]))
    return Check("store", True, f"{checked:,} stored copies re-hashed, all match their SHA-256")
