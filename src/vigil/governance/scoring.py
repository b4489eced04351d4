"""Risk scoring: likelihood × severity, each 1–5, in four bands.

    score   1–4  low        5–9  medium        10–16  high        20–25  very high

No product of two whole numbers from 1 to 5 lies between 17 and 19 (16 = 4×4, next 20 = 4×5),
so the bands leave no gap. Severity is the highest of: gravity of the impact on rights, the
number of people or vulnerable groups affected, and how hard the harm is to reverse.

An assessment's level is the highest *residual* band among the risks present: what is left
after mitigations. A level of high or above needs two approvers, and a recorded legal basis
and necessity statement before each use in a case.
"""

from __future__ import annotations

from collections.abc import Iterable

from vigil.analyzers.base import RISK_LEVELS, RiskLevel

SCALE = range(1, 6)

#: Levels at which each use in a case needs its own legal basis and necessity statement.
NEEDS_LEGAL_BASIS: frozenset[str] = frozenset({"high", "very high"})


def score(likelihood: int, severity: int) -> int:
    for name, value in (("likelihood", likelihood), ("severity", severity)):
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}")
    return likelihood * severity


def band_of_score(value: int) -> RiskLevel:
    if value <= 4:
        return "low"
    if value <= 9:
        return "medium"
    if value <= 16:
        return "high"
    return "very high"


def band(likelihood: int, severity: int) -> RiskLevel:
    return band_of_score(score(likelihood, severity))


def highest(levels: Iterable[RiskLevel]) -> RiskLevel:
    """The worst of the levels; "low" when there are none (no risk present)."""
    return max(levels, key=RISK_LEVELS.index, default="low")


def approvers_needed(level: str) -> int:
    return 2 if level in NEEDS_LEGAL_BASIS else 1


def needs_legal_basis(level: str) -> bool:
    return level in NEEDS_LEGAL_BASIS
