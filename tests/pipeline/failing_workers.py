"""Worker functions that fail on purpose, for the executors' tests. They live at module level,
so a worker process imports them by name as it does Vigil's own; each attempt leaves a line in
the file the task names, so a test counts the attempts across processes."""

from __future__ import annotations

import os
from pathlib import Path

from vigil.analyzers.context import AnalyzerOutput
from vigil.pipeline.analysis_worker import AnalysisTask, analyze

CRASH_EXIT_STATUS = 70


def analyze_unless_told_to_fail(task: AnalysisTask, config: None) -> AnalyzerOutput:
    """Analyses the task, unless its parameters say to fail "always" or "once" (the first
    attempt only): by ending the worker process ("crash") or by raising ("raise")."""
    attempts = Path(task.parameters["attempts"])
    with attempts.open("a") as log:
        log.write(f"{task.sha256}\n")
    attempt = attempts.read_text().split().count(task.sha256)
    when = task.parameters.get("fail", "never")
    if when == "always" or (when == "once" and attempt == 1):
        if task.parameters["how"] == "crash":
            os._exit(CRASH_EXIT_STATUS)  # as a decoder's segfault or the OOM killer would
        raise RuntimeError(f"told to fail on attempt {attempt}")
    return analyze(task, config)
