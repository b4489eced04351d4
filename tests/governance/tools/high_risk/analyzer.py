from __future__ import annotations

from typing import ClassVar

from vigil.analyzers.base import Analyzer, ImageInput, ModelInfo
from vigil.analyzers.context import AnalyzerContext


class HighRiskTool(ImageInput, Analyzer):
    name = "gov_high_risk"
    version = "1.0"
    title = "A high-risk AI tool"
    summary = "Stands in for face clustering in the governance tests."
    uses_ai = True
    #: Tests replace it to stand for a new model.
    digest: ClassVar[str] = "a" * 64

    @classmethod
    def model(cls) -> ModelInfo:
        return ModelInfo("test model", "the tests", "none", cls.digest)

    def analyze(self, ctx: AnalyzerContext) -> None:
        return None
