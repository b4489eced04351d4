"""Problems found while processing evidence: a stable code, a plain message, a severity.

An `error` means a processing step could not be completed for that item (the item counts as
failed); a `warning` records an anomaly an investigator should know about (the item still counts
as processed). Codes are stable identifiers: tests, filters and exports rely on them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    message: str
    severity: Severity = "error"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def warning(cls, code: str, message: str) -> Issue:
        return cls(code, message, "warning")

    @classmethod
    def error(cls, code: str, message: str) -> Issue:
        return cls(code, message, "error")


def has_error(issues: list[Issue]) -> bool:
    return any(issue.severity == "error" for issue in issues)


def describe_error(error: BaseException) -> str:
    """An exception as a message: its type and text, at most 300 characters. Never evidence
    content: decoders' messages name the problem, not the bytes."""
    text = str(error).strip().rstrip(".")
    return f"{type(error).__name__}: {text}"[:300] if text else type(error).__name__
