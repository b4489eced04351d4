"""The contract every registered analyzer passes, fed by its own examples (after
python-threatexchange's SignalTypeAutoTest). A new analyzer is tested by registering it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from vigil.analyzers.base import RISK_LEVELS, Analyzer, Example
from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.registry import contract_problem, default_registry
from vigil.analyzers.stored_model import UsesStoredModels

ANALYZERS = list(default_registry())
MODEL_CARD_SECTIONS = (
    "Intended use",
    "Out of scope",
    "Model and origin",
    "Model digest",
    "Languages",
    "Evaluation",
    "Limitations",
    "Known biases",
)
CASES = [
    pytest.param(analyzer, example, id=f"{analyzer.name}: {example.name}")
    for analyzer in ANALYZERS
    for example in analyzer.examples()
]


def needs_an_import(analyzer: type[Analyzer]) -> bool:
    """Its model comes from the model store, and none is imported in a test instance (its own
    tests build a tiny one)."""
    return issubclass(analyzer, UsesStoredModels) and analyzer.missing_models() is not None


def run_example(analyzer: type[Analyzer], example: Example, tmp_path: Path) -> AnalyzerContext:
    stored = tmp_path / "stored-copy"
    stored.write_bytes(example.content)
    ctx = AnalyzerContext(
        sha256="0" * 64,
        family=example.family,
        type_label=example.type_label,
        name=example.name,
        data=example.content,
        path=stored,
    )
    analyzer().analyze(ctx)
    return ctx


def test_vigil_registers_its_own_analyzers() -> None:
    names = {analyzer.name for analyzer in ANALYZERS}
    assert {"hashes", "file_type", "image_metadata", "video_metadata", "face_detection"} <= names


@pytest.mark.parametrize("analyzer", ANALYZERS, ids=lambda a: a.name)
def test_the_analyzer_meets_the_static_contract(analyzer: type[Analyzer]) -> None:
    assert contract_problem(analyzer) is None
    assert analyzer.missing_dependency() is None or needs_an_import(analyzer)
    assert analyzer.examples(), "an analyzer brings at least one example of its own"
    assert re.fullmatch(r"\d+(\.\d+)*", analyzer.version)


@pytest.mark.parametrize("analyzer", ANALYZERS, ids=lambda a: a.name)
def test_the_model_card_has_every_section(analyzer: type[Analyzer]) -> None:
    card = analyzer.model_card()
    missing = [section for section in MODEL_CARD_SECTIONS if f"**{section}**" not in card]
    assert not missing, f"MODEL_CARD.md lacks {missing}"


@pytest.mark.parametrize("analyzer", ANALYZERS, ids=lambda a: a.name)
def test_the_default_risk_assessment_is_well_formed(analyzer: type[Analyzer]) -> None:
    from vigil.governance.answers import load_answers
    from vigil.governance.questionnaire import questionnaire

    answers = load_answers(analyzer.risk_file())  # raises with the file and line if malformed
    raw = yaml.safe_load(analyzer.risk_file().read_text(encoding="utf-8"))
    assert raw["lawfulness"]["lawful"] is True
    if analyzer.uses_ai:
        answered = {entry["id"] for entry in raw["risks"]}
        assert answered == set(questionnaire().risk_ids), "an AI tool answers every question"
        assert any(entry.get("present") for entry in raw["risks"])
    assert answers is not None


@pytest.mark.parametrize("analyzer", [a for a in ANALYZERS if a.uses_ai], ids=lambda a: a.name)
def test_an_ai_analyzer_names_its_model_by_digest(analyzer: type[Analyzer]) -> None:
    if needs_an_import(analyzer):
        pytest.skip("its model is imported by an administrator; none is in a test instance")
    model = analyzer.model()
    assert model is not None
    assert re.fullmatch(r"[0-9a-f]{64}", model.digest)
    assert model.origin and model.licence


@pytest.mark.parametrize(("analyzer", "example"), CASES)
def test_the_analyzer_handles_its_own_examples(
    analyzer: type[Analyzer], example: Example, tmp_path: Path
) -> None:
    ctx = run_example(analyzer, example, tmp_path)
    example.check(ctx.output)
    json.dumps(ctx.output.facts)  # facts are stored as JSON
    for suggestion in ctx.output.suggestions:
        json.dumps(suggestion.data)
        assert suggestion.confidence is None or 0 <= suggestion.confidence <= 1
    if analyzer.uses_ai:
        assert not ctx.output.facts, "AI output is a suggestion, never a fact"
    else:
        assert not ctx.output.suggestions, "a deterministic step states facts"


@pytest.mark.parametrize("analyzer", ANALYZERS, ids=lambda a: a.name)
def test_the_analyzer_survives_garbage(analyzer: type[Analyzer], tmp_path: Path) -> None:
    family = sorted(analyzer.accepted_families())[0]
    garbage = Example("garbage.bin", b"\x00\xff" * 100 + b"not a real file", family, "unknown")
    ctx = run_example(analyzer, garbage, tmp_path)
    for issue in ctx.output.issues:
        assert issue.code and issue.message


def test_risk_levels_are_the_four_bands() -> None:
    assert RISK_LEVELS == ("low", "medium", "high", "very high")
