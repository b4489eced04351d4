"""Runs one governed tool over a case: gate first, then every matching content once, with each
AI output stored as a Suggestion carrying its full provenance.

Workers run the analyzer on the stored copy and return its output, on the executors triage
uses; only this coordinator writes the database, in batches, like triage.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from vigil.analyzers.base import Analyzer
from vigil.analyzers.context import AnalyzerOutput
from vigil.analyzers.registry import default_registry
from vigil.analyzers.stored_model import models_for_run
from vigil.pipeline.analysis_worker import AnalysisTask
from vigil.pipeline.executors.base import TaskExecutor
from vigil.pipeline.executors.factory import ExecutorName, executor_factory
from vigil.pipeline.executors.retry import run_tasks
from vigil.pipeline.executors.workloads import AnalysisWorkload, analysis_workload
from vigil.records.analysis.models import AnalysisRun, Suggestion
from vigil.records.cases.models import Blob, Case, Item
from vigil.store.evidence import EvidenceStore
from vigil.store.models import StoredModel

BATCH = 200
MAX_RECORDED_ISSUES = 1000


@dataclass(slots=True)
class AnalysisSummary:
    run_id: str
    tool: str
    analyzed: int
    suggestions: int
    failed: int
    issues: list[dict[str, str]] = field(default_factory=list)


def start_run(
    case: Case,
    analyzer: type[Analyzer],
    *,
    actor: str,
    legal_basis: str = "",
    necessity: str = "",
    status: str = AnalysisRun.Status.RUNNING,
) -> AnalysisRun:
    model = analyzer.model()
    return AnalysisRun.objects.create(
        case=case,
        tool=analyzer.name,
        tool_version=analyzer.version,
        model_digest=model.digest if model else "",
        parameters=dict(analyzer.parameters),
        started_by=actor,
        legal_basis=legal_basis,
        necessity=necessity,
        status=status,
    )


def execute_run(
    run: AnalysisRun,
    store: EvidenceStore,
    *,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    executor: ExecutorName | None = None,
    scheduler: str | None = None,
) -> AnalysisSummary:
    """Runs the tool over every matching content of the case, on `executor` ("inline",
    "process" or "dask"; by default in this process for one worker, else a pool of `workers`
    processes). Dask needs `scheduler`, or VIGIL_DASK_SCHEDULER."""
    analyzer = default_registry().get(run.tool)
    workload = analysis_workload(str(store.root))
    new_executor = _executor_factory(workload, executor, workers, scheduler)
    models = models_for_run(analyzer, run.model_digest)  # workers get paths, not the store
    blobs = _blobs_for(run.case, analyzer)
    total = blobs.count()
    first_items = dict(
        Item.objects.filter(case=run.case, blob__in=blobs.values("sha256"))
        .values("blob_id")
        .annotate(first=Min("id"))
        .values_list("blob_id", "first")
    )
    pending: list[tuple[AnalysisTask, AnalyzerOutput]] = []
    summary = AnalysisSummary(str(run.run_id), run.tool, 0, 0, 0)
    outcomes = run_tasks(_tasks(run, blobs, store, models), new_executor, workload.crashed)
    with closing(outcomes):  # a failed save stops the workers too
        for task, output in outcomes:
            pending.append((task, output))
            if len(pending) >= BATCH:
                _save(run, pending, first_items, summary, store)
                pending = []
            if on_progress:
                on_progress(summary.analyzed + len(pending), total)
    _save(run, pending, first_items, summary, store)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.COMPLETE,
        items_analyzed=summary.analyzed,
        items_failed=summary.failed,
        issues=summary.issues[:MAX_RECORDED_ISSUES],
        finished_at=timezone.now(),
    )
    return summary


def _blobs_for(case: Case, analyzer: type[Analyzer]) -> Any:
    return (
        Blob.objects.filter(
            items__case=case, analyzed=True, family__in=analyzer.accepted_families()
        )
        .distinct()
        .order_by("sha256")
    )


def _tasks(
    run: AnalysisRun, blobs: Any, store: EvidenceStore, models: dict[str, StoredModel]
) -> Iterator[AnalysisTask]:
    for sha256, family, type_label in blobs.values_list("sha256", "family", "type_label"):
        yield AnalysisTask(
            run.tool, sha256, family, type_label, str(store.root), run.parameters, models
        )


def _executor_factory(
    workload: AnalysisWorkload,
    executor: ExecutorName | None,
    workers: int | None,
    scheduler: str | None,
) -> Callable[[], TaskExecutor[AnalysisTask, AnalyzerOutput]]:
    count = workers or os.cpu_count() or 1
    if executor is None:
        executor = "inline" if count == 1 else "process"
    return executor_factory(executor, workload, count, scheduler)


def _save_facts(
    run: AnalysisRun, batch: list[tuple[AnalysisTask, AnalyzerOutput]], store: EvidenceStore
) -> None:
    """A deterministic tool's facts and derived images (keyframes of scenes, say) join the
    content's media under the tool's name, with the run that produced them. AI tools emit no
    facts (the contract test enforces it): their output stays a suggestion.

    Derived images become thumbnails numbered after triage's own; a later run of the same tool
    reuses its numbers, so thumbnails never pile up."""
    produced = {task.sha256: out for task, out in batch if out.facts or out.derived}
    if not produced:
        return
    blobs = Blob.objects.filter(sha256__in=list(produced)).only("sha256", "media", "thumbnails")
    changed = []
    for blob in blobs:
        output = produced[blob.sha256]
        media = dict(blob.media or {})
        earlier = media.get(run.tool)
        if not isinstance(earlier, dict):
            earlier = {}
        first = int(earlier.get("first_thumbnail", blob.thumbnails))
        for offset, (_, jpeg) in enumerate(sorted(output.derived.items())):
            store.put_thumbnail(blob.sha256, first + offset, jpeg)
        media[run.tool] = {
            **output.facts,
            "run": str(run.run_id),
            "tool_version": run.tool_version,
            **(
                {"first_thumbnail": first, "thumbnail_count": len(output.derived)}
                if output.derived
                else {}
            ),
        }
        blob.media = media
        blob.thumbnails = max(blob.thumbnails, first + len(output.derived))
        changed.append(blob)
    store.sync()  # thumbnails on disk before the database names them
    Blob.objects.bulk_update(changed, ["media", "thumbnails"])


def _save(
    run: AnalysisRun,
    batch: list[tuple[AnalysisTask, AnalyzerOutput]],
    first_items: dict[str, int],
    summary: AnalysisSummary,
    store: EvidenceStore,
) -> None:
    suggestions = [
        Suggestion(
            run=run,
            case_id=run.case_id,
            blob_id=task.sha256,
            item_id=first_items.get(task.sha256),
            tool=run.tool,
            tool_version=run.tool_version,
            model_digest=run.model_digest,
            parameters=run.parameters,
            label=out.label,
            confidence=out.confidence,
            data=out.data,
        )
        for task, output in batch
        for out in output.suggestions
    ]
    with transaction.atomic():
        Suggestion.objects.bulk_create(suggestions)
        _save_facts(run, batch, store)
    summary.analyzed += len(batch)
    summary.suggestions += len(suggestions)
    for task, output in batch:
        errors = [issue for issue in output.issues if issue.severity == "error"]
        if errors:
            summary.failed += 1
        if len(summary.issues) < MAX_RECORDED_ISSUES:
            summary.issues += [{"sha256": task.sha256, **issue.as_dict()} for issue in errors]
