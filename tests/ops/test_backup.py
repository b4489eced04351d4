"""A backup of the running instance: its manifest describes the snapshot, and it is audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders.seizure import photo_bytes

pytestmark = pytest.mark.usefixtures("django_instance")


def test_the_manifest_counts_what_the_snapshot_holds_and_the_backup_is_audited(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.audit.log import current_head
    from vigil.ops.backup import create_backup
    from vigil.ops.manifest import check_backup
    from vigil.pipeline.service import triage
    from vigil.records.audit.models import AuditEntry
    from vigil.records.cases.models import Item

    root = tmp_path / "seizure"
    root.mkdir()
    for index in range(2):
        (root / f"{index}.jpg").write_bytes(photo_bytes(index))
    triage(case_name, root, executor="inline")

    summary = create_backup(tmp_path / "backup", actor="tester")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest == summary.manifest and summary.ok
    assert manifest["counts"]["items"] == Item.objects.count()
    head = current_head()
    assert head is not None
    start, finish = AuditEntry.objects.filter(seq__gt=head.seq - 2).order_by("seq")
    assert (start.action, finish.action) == ("backup.start", "backup.finish")
    # The snapshot ends with the start entry; the finish entry is not in it.
    assert manifest["audit_head"] == {"seq": start.seq, "hash": start.hash}
    assert finish.details["manifest_sha256"] == summary.manifest_sha256
    assert check_backup(tmp_path / "backup").ok


def test_a_backup_never_overwrites_an_existing_folder(tmp_path: Path) -> None:
    from vigil.ops.backup import BackupError, create_backup

    (tmp_path / "backup").mkdir()
    with pytest.raises(BackupError, match="already exists"):
        create_backup(tmp_path / "backup", actor="tester")
    assert not list(tmp_path.glob(".backup.partial-*"))
