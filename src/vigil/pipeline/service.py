"""Triage as one call, for the CLI and background jobs: admit the source, run the coordinator,
then the post-triage steps in their declared order."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vigil import config
from vigil.audit.log import record
from vigil.core.entries import ArchiveLimits
from vigil.pipeline.evidence import admit_source, evidence_policy
from vigil.pipeline.executors.base import Executor
from vigil.pipeline.executors.factory import ExecutorName, executor_factory
from vigil.pipeline.executors.workloads import triage_workload
from vigil.pipeline.tasks import WorkerConfig
from vigil.pipeline.triage import RunStats, SourceSummary, TriageRun
from vigil.records.cases.models import Case
from vigil.store.evidence import EvidenceStore


@dataclass(frozen=True, slots=True)
class PostTriageStep:
    """Work on a whole case once its items are recorded, in the coordinator (with Django)."""

    name: str
    run: Callable[[Case, EvidenceStore, str], None]


def match_known_material(case: Case, store: EvidenceStore, actor: str) -> None:
    """Every triage ends matched against the hash lists, so review can start with what no list
    knows. Skipped, at the cost of one query, when there is none."""
    from vigil.matching.engine import match_case
    from vigil.records.matching.models import HashList

    if HashList.objects.filter(complete=True).exists():
        match_case(case, actor=actor)


def import_chat_exports(case: Case, store: EvidenceStore, actor: str) -> None:
    """Chat exports, found among the items by their content, are imported once each."""
    from vigil.chats.importing.importer import import_case_chats

    import_case_chats(case, store, actor=actor)


POST_TRIAGE_STEPS: tuple[PostTriageStep, ...] = (
    PostTriageStep("match known material", match_known_material),
    PostTriageStep("import chat exports", import_chat_exports),
)


def instance_store(home: Path | None = None) -> EvidenceStore:
    return EvidenceStore(config.store_root(home or config.vigil_home())).create()


def make_executor_factory(
    name: ExecutorName,
    worker_config: WorkerConfig,
    workers: int | None,
    scheduler: str | None = None,
) -> Callable[[], Executor]:
    return executor_factory(name, triage_workload(worker_config), workers, scheduler)


def triage(
    case_name: str,
    path: Path,
    *,
    executor: ExecutorName = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    max_depth: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    actor: str = "system",
    via: str = "vigil triage",
) -> tuple[SourceSummary, RunStats]:
    """Triages the seizure at `path`, which must be admitted by the evidence policy (raises
    EvidenceRefused, audited, before anything is created)."""
    home = config.vigil_home()
    policy = evidence_policy(home)
    source_root = admit_source(path, actor=actor, case_name=case_name, via=via, policy=policy)
    store = instance_store(home)
    limits = ArchiveLimits()
    if max_depth is not None:
        limits = dataclasses.replace(limits, max_depth=max_depth)
    worker_config = WorkerConfig(
        store_root=str(store.root),
        limits=limits,
        evidence=policy,
        source_root=str(source_root),
    )
    case, _ = Case.objects.get_or_create(name=case_name)
    run = TriageRun(
        case,
        source_root,
        store,
        make_executor_factory(executor, worker_config, workers, scheduler),
        lock_folder=home / "locks",
        on_progress=on_progress,
    )
    source = {"source": str(run.root)}
    record("triage.start", actor=actor, case_name=case_name, details=source)
    try:
        summary = run.run()
    except Exception as error:
        failure = {**source, "error": type(error).__name__}
        record("triage.finish", actor=actor, outcome="failed", case_name=case_name, details=failure)
        raise
    counts = {
        "status": summary.status,
        "enumerated": summary.enumerated,
        "processed": summary.processed,
        "failed": summary.failed,
        "already_complete": summary.already_complete,
        "items_written": run.stats.items_written,
    }
    record("triage.finish", actor=actor, case_name=case_name, details={**source, **counts})
    for step in POST_TRIAGE_STEPS:
        step.run(case, store, actor)
    return summary, run.stats
