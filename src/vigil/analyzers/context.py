"""The analyzer's only door to the world: read the content, report facts, suggestions and
problems. No analyzer opens a file, a database or a socket on its own (plaso's ParserMediator)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from vigil.core.issues import Issue

if TYPE_CHECKING:
    from vigil.store.models import StoredModel


@dataclass(slots=True)
class SuggestionOut:
    """An AI output: it stays a suggestion until a person confirms or rejects it."""

    label: str
    confidence: float | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class AnalyzerOutput:
    facts: dict[str, Any] = field(default_factory=dict)
    suggestions: list[SuggestionOut] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    derived: dict[int, bytes] = field(default_factory=dict)  # thumbnails by index


class AnalyzerContext:
    """Content of one blob, as bytes in memory or as the path of its stored copy."""

    def __init__(
        self,
        *,
        sha256: str,
        family: str,
        type_label: str,
        name: str = "",
        data: bytes | None = None,
        path: Path | None = None,
        parameters: dict[str, Any] | None = None,
        on_progress: Callable[[float], None] | None = None,
        models: Mapping[str, StoredModel] | None = None,
    ) -> None:
        if data is None and path is None:
            raise ValueError("a context needs the content or the path of its stored copy")
        self.sha256 = sha256
        self.family = family
        self.type_label = type_label
        self.name = name
        self.parameters = parameters or {}
        self._data = data
        self._path = path
        self._on_progress = on_progress
        self._models = dict(models or {})
        self.output = AnalyzerOutput()

    # -- reading -------------------------------------------------------------------------
    def read_bytes(self) -> bytes:
        if self._data is None:
            assert self._path is not None
            self._data = self._path.read_bytes()
        return self._data

    def open(self) -> BinaryIO:
        if self._data is not None:
            return io.BytesIO(self._data)
        assert self._path is not None
        return open(self._path, "rb")

    def file_path(self) -> Path:
        """The stored copy, for decoders that need a seekable file (video)."""
        if self._path is None:
            raise ValueError("this context has no stored copy")
        return self._path

    def content(self) -> bytes | Path:
        """The bytes when already in memory, else the stored copy's path (for large files)."""
        if self._data is not None:
            return self._data
        assert self._path is not None
        return self._path

    def model(self, role: str = "model") -> StoredModel | None:
        """The stored model the coordinator resolved for `role` (vigil.store.models), or None
        when none was imported: the analyzer then reports what to import."""
        return self._models.get(role)

    # -- reporting -----------------------------------------------------------------------
    def fact(self, key: str, value: Any) -> None:
        self.output.facts[key] = value

    def suggest(self, label: str, confidence: float | None = None, **data: Any) -> None:
        if confidence is not None and not 0.0 <= confidence <= 1.0:
            raise ValueError(f"confidence must be within 0..1, not {confidence}")
        self.output.suggestions.append(SuggestionOut(label, confidence, data))

    def derived_image(self, index: int, jpeg: bytes) -> None:
        self.output.derived[index] = jpeg

    def warn(self, code: str, message: str) -> None:
        self.output.issues.append(Issue.warning(code, message))

    def error(self, code: str, message: str) -> None:
        self.output.issues.append(Issue.error(code, message))

    def report_issues(self, issues: list[Issue]) -> None:
        self.output.issues.extend(issues)

    def progress(self, fraction: float) -> None:
        if self._on_progress is not None:
            self._on_progress(min(max(fraction, 0.0), 1.0))
