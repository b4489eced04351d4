"""The coordinator and its recorder: each batch reaches the database only once the content it
names is flushed to disk, and what a batch leaves pending is analysed next."""

from __future__ import annotations

from pathlib import Path

from tests.builders.seizure import build_mixed_seizure
from tests.conftest import start_django_for_tests

start_django_for_tests()  # the recorder's models load with the module

from vigil.pipeline.database_recorder import DatabaseRecorder  # noqa: E402
from vigil.pipeline.recording import Outcome, RecordedBatch  # noqa: E402
from vigil.pipeline.service import make_executor_factory  # noqa: E402
from vigil.pipeline.tasks import WorkerConfig  # noqa: E402
from vigil.pipeline.triage import TriageRun  # noqa: E402
from vigil.records.cases.models import Case, Item  # noqa: E402
from vigil.store.evidence import EvidenceStore  # noqa: E402


class JournalingStore(EvidenceStore):
    def __init__(self, root: Path, journal: list[str]) -> None:
        super().__init__(root)
        self.journal = journal

    def sync(self) -> None:
        super().sync()
        self.journal.append("store flushed")


class JournalingRecorder(DatabaseRecorder):
    def __init__(self, case: Case, journal: list[str]) -> None:
        super().__init__(case)
        self.journal = journal

    def record(self, outcomes: list[Outcome]) -> RecordedBatch:
        self.journal.append("batch recorded")
        return super().record(outcomes)


def test_every_batch_is_recorded_after_the_store_is_flushed_and_members_follow(
    tmp_path: Path, case_name: str
) -> None:
    seizure = build_mixed_seizure(tmp_path / "seizure")
    journal: list[str] = []
    store = JournalingStore(tmp_path / "store", journal).create()
    case = Case.objects.create(name=case_name)
    run = TriageRun(
        case,
        seizure.root,
        store,
        make_executor_factory("inline", WorkerConfig(store_root=str(store.root)), workers=None),
        lock_folder=tmp_path / "locks",
        recorder=JournalingRecorder(case, journal),
    )

    summary = run.run()

    batches = journal.count("batch recorded")
    assert batches >= 2  # the source's entries, then the members their archives listed
    assert journal == ["store flushed", "batch recorded"] * batches
    assert summary.enumerated == seizure.expected_items and summary.adds_up
    assert not Item.objects.filter(case=case, status=Item.Status.PENDING).exists()
    assert run.stats.items_written == seizure.expected_items
