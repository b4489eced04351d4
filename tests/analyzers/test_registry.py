"""The registry: explicit, loud on duplicates, and strict with third-party entry points."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.hashes.analyzer import HashesAnalyzer
from vigil.analyzers.registry import ENTRY_POINT_GROUP, AnalyzerRegistry, RegistryError


def test_a_second_analyzer_with_the_same_name_is_refused() -> None:
    registry = AnalyzerRegistry()
    registry.register(HashesAnalyzer)

    class Impostor(HashesAnalyzer):
        pass

    with pytest.raises(RegistryError, match="two analyzers are named 'hashes'"):
        registry.register(Impostor)


def test_an_unknown_name_lists_the_known_ones() -> None:
    registry = AnalyzerRegistry()
    registry.register(HashesAnalyzer)
    with pytest.raises(KeyError, match="known: hashes"):
        registry.get("nope")


PLUGIN = """
from vigil.analyzers.base import Analyzer, ImageInput


class GoodAnalyzer(ImageInput, Analyzer):
    name = "plugin_good"
    version = "0.1"
    title = "A well-formed third-party analyzer"
    summary = "Counts bytes."

    def analyze(self, ctx):
        ctx.fact("length", len(ctx.read_bytes()))


class NoAnalyzeMethod(ImageInput, Analyzer):
    name = "plugin_lazy"
    version = "0.1"
    title = "Forgot its entry point"
    summary = "Broken on purpose."


class NoCapability(Analyzer):
    name = "plugin_blind"
    version = "0.1"
    title = "Accepts nothing"
    summary = "Broken on purpose."

    def analyze(self, ctx):
        pass


NOT_AN_ANALYZER = 42
"""


@pytest.fixture
def installed_plugin(tmp_path: Path) -> Iterator[Path]:
    """A third-party package laid out on sys.path as pip installs one: code + dist-info."""
    package = tmp_path / "vigil_test_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(PLUGIN))
    (package / "MODEL_CARD.md").write_text("# plugin\n")
    (package / "risk.yaml").write_text("use_case: {}\nlawfulness: {lawful: true}\nrisks: []\n")
    info = tmp_path / "vigil_test_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vigil-test-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n"
        "good = vigil_test_plugin:GoodAnalyzer\n"
        "lazy = vigil_test_plugin:NoAnalyzeMethod\n"
        "blind = vigil_test_plugin:NoCapability\n"
        "number = vigil_test_plugin:NOT_AN_ANALYZER\n"
        "missing = vigil_test_plugin:DoesNotExist\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("vigil_test_plugin", None)


def test_a_well_formed_plugin_joins_and_broken_ones_are_refused_with_a_reason(
    installed_plugin: Path,
) -> None:
    registry = AnalyzerRegistry()
    plugins = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.value.startswith("vigil_test")]
    registry.discover(plugins)

    assert "plugin_good" in registry
    ctx = AnalyzerContext(sha256="0" * 64, family="image", type_label="png", data=b"12345")
    registry.get("plugin_good")().analyze(ctx)
    assert ctx.output.facts == {"length": 5}

    reasons = {label.split(" = ")[0]: why for label, why in registry.rejected.items()}
    assert set(reasons) == {"lazy", "blind", "number", "missing"}
    assert "does not implement analyze(ctx)" in reasons["lazy"]
    assert "accepts no content" in reasons["blind"]
    assert "does not name an Analyzer subclass" in reasons["number"]
    assert "AttributeError" in reasons["missing"]
