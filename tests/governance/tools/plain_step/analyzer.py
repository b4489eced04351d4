from __future__ import annotations

from vigil.analyzers.base import Analyzer, BytesInput
from vigil.analyzers.context import AnalyzerContext


class PlainStep(BytesInput, Analyzer):
    name = "gov_plain_step"
    version = "1.0"
    title = "A deterministic triage step"
    summary = "Stands in for hashing in the governance tests."
    triage_step = True

    def analyze(self, ctx: AnalyzerContext) -> None:
        return None
