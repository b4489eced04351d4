"""The worker checks the file it actually opened, not the name it was given: a folder of the
seizure swapped for a link to the instance after the walk is read as nothing."""

from __future__ import annotations

from pathlib import Path

from vigil.core.evidence import EvidencePolicy
from vigil.pipeline.tasks import IngestTask, WorkerConfig
from vigil.pipeline.worker import ingest
from vigil.store.evidence import EvidenceStore


def test_a_folder_swapped_for_a_link_to_the_instance_is_not_read(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = EvidenceStore(home / "store").create()
    (home / "secret_key").write_text("the instance's secret")
    seizure = tmp_path / "seizures" / "op"
    seizure.mkdir(parents=True)
    (seizure / "DCIM").symlink_to(home)  # after the walk listed DCIM/secret_key as a file
    policy = EvidencePolicy.build([tmp_path / "seizures"], [home])
    config = WorkerConfig(store_root=str(store.root), evidence=policy, source_root=str(seizure))
    task = IngestTask(key=1, name="DCIM/secret_key", depth=0, path=str(seizure / "DCIM/secret_key"))

    result = ingest(task, config)

    assert result.digests is None and result.facts is None
    assert [issue.code for issue in result.issues] == ["outside_evidence_root"]
    assert not any(store.blobs.rglob("*")), "nothing of the instance reached the store"


def test_a_file_inside_the_seizure_is_read_as_usual(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "home" / "store").create()
    seizure = tmp_path / "seizures" / "op"
    seizure.mkdir(parents=True)
    (seizure / "note.txt").write_text("hello")
    policy = EvidencePolicy.build([tmp_path / "seizures"], [tmp_path / "home"])
    config = WorkerConfig(store_root=str(store.root), evidence=policy, source_root=str(seizure))

    result = ingest(
        IngestTask(key=1, name="note.txt", depth=0, path=str(seizure / "note.txt")), config
    )

    assert result.digests is not None and result.digests.size == 5
