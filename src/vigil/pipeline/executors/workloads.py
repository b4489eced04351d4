"""The work Vigil hands to executors: triage's ingest of one file or member, and a governed
tool's analysis of one content."""

from __future__ import annotations

from vigil.analyzers.context import AnalyzerOutput
from vigil.core.issues import Issue
from vigil.pipeline.analysis_worker import AnalysisTask, analyze
from vigil.pipeline.executors.base import Workload
from vigil.pipeline.tasks import IngestResult, IngestTask, WorkerConfig
from vigil.pipeline.worker import ingest

# Both look their analyzers up in the registry, which imports Vigil's own on first use.
ANALYZERS = ("vigil.analyzers.builtin",)

TriageWorkload = Workload[IngestTask, WorkerConfig, IngestResult]
AnalysisWorkload = Workload[AnalysisTask, None, AnalyzerOutput]


def triage_workload(config: WorkerConfig) -> TriageWorkload:
    return Workload("triage", ingest, config, config.store_root, _crashed_item, ANALYZERS)


def analysis_workload(store_root: str) -> AnalysisWorkload:
    return Workload("analysis", analyze, None, store_root, _crashed_analysis, ANALYZERS)


def _crashed_item(reason: str) -> IngestResult:
    return IngestResult(
        key=0, digests=None, facts=None, issues=[Issue.error("worker_crashed", reason)]
    )


def _crashed_analysis(reason: str) -> AnalyzerOutput:
    return AnalyzerOutput(issues=[Issue.error("worker_crashed", reason)])
