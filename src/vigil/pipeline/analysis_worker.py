"""The worker side of an analysis run: pure, picklable, no Django (so it runs in a fresh
worker process or on a Dask worker)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.registry import default_registry
from vigil.core.issues import Issue
from vigil.store.evidence import EvidenceStore
from vigil.store.models import StoredModel


@dataclass(frozen=True, slots=True)
class AnalysisTask:
    tool: str
    sha256: str
    family: str
    type_label: str
    store_root: str
    parameters: dict[str, Any]
    #: Stored models by role, resolved by the coordinator (vigil.store.models).
    models: dict[str, StoredModel] = field(default_factory=dict)


def run_analyzer(task: AnalysisTask) -> AnalyzerOutput:
    """Pure: the stored copy in, the analyzer's output back. Never touches the database."""
    analyzer = default_registry().get(task.tool)
    store = EvidenceStore(Path(task.store_root))
    ctx = AnalyzerContext(
        sha256=task.sha256,
        family=task.family,
        type_label=task.type_label,
        path=store.blob_path(task.sha256),
        parameters=task.parameters,
        models=task.models,
    )
    try:
        analyzer().analyze(ctx)
    except Exception as error:  # one bad file must not stop the run
        ctx.output.issues.append(
            Issue.error("internal_error", f"{task.tool} failed: {type(error).__name__}: {error}")
        )
    return ctx.output


def analyze(task: AnalysisTask, config: None) -> AnalyzerOutput:
    """The executors' entry point (vigil.pipeline.executors.workloads). A task carries all of
    its run, since evaluation builds tasks one by one, so the run shares no configuration."""
    return run_analyzer(task)
