from __future__ import annotations

from vigil.analyzers.base import Analyzer, ModelInfo, TextInput
from vigil.analyzers.context import AnalyzerContext


class LowRiskTool(TextInput, Analyzer):
    name = "gov_low_risk"
    version = "2.1"
    title = "A low-risk AI tool"
    summary = "Stands in for a language detector in the governance tests."
    uses_ai = True

    @classmethod
    def model(cls) -> ModelInfo:
        return ModelInfo("small model", "the tests", "none", "b" * 64)

    def analyze(self, ctx: AnalyzerContext) -> None:
        return None
