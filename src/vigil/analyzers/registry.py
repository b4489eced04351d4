"""One explicit registry of analyzers. A duplicate name is an error, never a silent override
(plaso's parsers manager); third-party analyzers join through the `vigil.analyzers` entry
point group and are held to the same contract."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points

from vigil.analyzers.base import Analyzer

ENTRY_POINT_GROUP = "vigil.analyzers"


class RegistryError(Exception):
    """A registration that would make the set of analyzers ambiguous or broken."""


class AnalyzerRegistry:
    def __init__(self) -> None:
        self._by_name: dict[str, type[Analyzer]] = {}
        self.rejected: dict[str, str] = {}  # entry point -> why it was refused

    def register(self, analyzer: type[Analyzer]) -> type[Analyzer]:
        existing = self._by_name.get(getattr(analyzer, "name", None) or "")
        if existing is not None and existing is not analyzer:
            raise RegistryError(
                f"two analyzers are named {analyzer.name!r}: "
                f"{existing.__module__}.{existing.__qualname__} and "
                f"{analyzer.__module__}.{analyzer.__qualname__}"
            )
        problem = contract_problem(analyzer)
        if problem:
            raise RegistryError(f"{analyzer.__module__}.{analyzer.__qualname__}: {problem}")
        self._by_name[analyzer.name] = analyzer
        return analyzer

    def get(self, name: str) -> type[Analyzer]:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name)) or "none"
            raise KeyError(f"no analyzer named {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[type[Analyzer]]:
        return iter(sorted(self._by_name.values(), key=lambda analyzer: analyzer.name))

    def __len__(self) -> int:
        return len(self._by_name)

    def triage_steps(self, family: str) -> list[type[Analyzer]]:
        """In the order they were registered: a later step's facts win over an earlier's, so
        Vigil's own run in the order BUILTIN_ANALYZERS lists them, plugins' after them."""
        steps = self._by_name.values()
        return [a for a in steps if a.triage_step and family in a.accepted_families()]

    def discover(self, loaded: Iterable[object] | None = None) -> None:
        """Registers analyzers from installed packages. A broken one is refused with a reason
        (kept in `rejected`) instead of taking the others down with it."""
        for entry in loaded if loaded is not None else entry_points(group=ENTRY_POINT_GROUP):
            label = f"{getattr(entry, 'name', '?')} = {getattr(entry, 'value', '?')}"
            try:
                candidate = entry.load()  # type: ignore[attr-defined]
                if not (isinstance(candidate, type) and issubclass(candidate, Analyzer)):
                    raise RegistryError("the entry point does not name an Analyzer subclass")
                self.register(candidate)
            except Exception as error:
                self.rejected[label] = f"{type(error).__name__}: {error}"


REQUIRED_TEXT = ("name", "version", "title", "summary")


def contract_problem(analyzer: type[Analyzer]) -> str | None:
    """The static half of the contract; tests/analyzers/test_contract.py runs the rest."""
    for attribute in REQUIRED_TEXT:
        value = getattr(analyzer, attribute, None)
        if not isinstance(value, str) or not value.strip():
            return f"class attribute {attribute!r} must be a non-empty string"
    if not analyzer.name.replace("_", "").isalnum() or analyzer.name != analyzer.name.lower():
        return f"name {analyzer.name!r} must be lower-case letters, digits and underscores"
    if getattr(analyzer, "__abstractmethods__", None):
        return "it does not implement analyze(ctx)"
    if not analyzer.accepted_families():
        return "it accepts no content: inherit a capability mixin such as ImageInput"
    if not (analyzer.package_dir() / "MODEL_CARD.md").is_file():
        return "its package has no MODEL_CARD.md"
    if not analyzer.risk_file().is_file():
        return "its package has no risk.yaml (default risk assessment)"
    if analyzer.uses_ai and analyzer.triage_step:
        return "an AI analyzer cannot be a triage step: its output needs a person's decision"
    return None


_default: AnalyzerRegistry | None = None


def default_registry() -> AnalyzerRegistry:
    """Vigil's own analyzers plus those installed through entry points; built once a process."""
    global _default
    if _default is None:
        from vigil.analyzers.builtin import BUILTIN_ANALYZERS

        registry = AnalyzerRegistry()
        for analyzer in BUILTIN_ANALYZERS:
            registry.register(analyzer)
        registry.discover()
        _default = registry
    return _default
