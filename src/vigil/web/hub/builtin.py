"""Vigil's own analyzers in the catalogue: the tools that run here, with this agency's standing.

They are read from the analyzer registry and the governance records at each request, never
copied into the catalogue table: the approval status shown is the one the gate applies now.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vigil.accounts.services import default_agency
from vigil.analyzers.base import Analyzer
from vigil.analyzers.registry import default_registry
from vigil.governance.standing import standing
from vigil.hub.catalogue.database import normalise
from vigil.records.accounts.models import Agency


@dataclass(frozen=True, slots=True)
class BuiltinTool:
    name: str
    title: str
    summary: str
    version: str
    uses_ai: bool
    state: str  # the governance state, "not assessed" or "approved by default: …"
    level: str | None
    allowed: bool
    problem: str | None
    analyzer: type[Analyzer]

    def model_card(self) -> str:
        try:
            return self.analyzer.model_card()
        except OSError:
            return ""


def builtin_tools(query: str = "") -> Iterator[BuiltinTool]:
    agency = default_agency()
    words = normalise(query).split()
    for analyzer in default_registry():
        text = normalise(f"{analyzer.name} {analyzer.title} {analyzer.summary}")
        if all(word in text for word in words):
            yield _builtin(analyzer, agency)


def builtin_tool(name: str) -> BuiltinTool | None:
    registry = default_registry()
    if name not in registry:
        return None
    return _builtin(registry.get(name), default_agency())


def _builtin(analyzer: type[Analyzer], agency: Agency) -> BuiltinTool:
    now = standing(analyzer, agency)
    return BuiltinTool(
        name=analyzer.name,
        title=analyzer.title,
        summary=analyzer.summary,
        version=analyzer.version,
        uses_ai=analyzer.uses_ai,
        state=now.state,
        level=now.level,
        allowed=now.allowed,
        problem=now.problem,
        analyzer=analyzer,
    )
