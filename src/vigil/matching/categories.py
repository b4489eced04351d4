"""Vigil's categories and the mapping from what a list says to them.

Each list keeps its raw categories; its mapping (raw → category) is applied when items are
matched. Categories are namespaced by scheme ("vics:1", "caid:A") so that lists of two schemes
can meet in one case without a number meaning two things. A raw value the mapping does not
name is treated as uncategorised and reported at import: FORMATS.md warns that older tools
numbered CAT-0 uncategorised … CAT-5 non-pertinent and some swapped 0 and 5, so Vigil never
guesses which scheme a "5" came from; the agency sets the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

UNCATEGORISED = "uncategorised"

VICS = {
    "vics:0": "non-pertinent",
    "vics:1": "child abuse material",
    "vics:2": "child exploitive / age difficult",
    "vics:3": "CGI / animation",
    "vics:4": "comparison image",
}
CAID = {
    "caid:A": "grade A: penetrative, bestiality or sadism",
    "caid:B": "grade B: non-penetrative",
    "caid:C": "grade C: other indecent",
}
SCHEMES: dict[str, dict[str, str]] = {"vics": VICS, "caid": CAID}

DEFAULT_MAPPINGS: dict[str, dict[str, str]] = {
    "vics": {str(number): f"vics:{number}" for number in range(5)},
    "caid": {grade: f"caid:{grade}" for grade in "ABC"},
}

# Most severe first; what an item shows when several of its matches disagree.
_SEVERITY = ["caid:A", "caid:B", "caid:C", "vics:1", "vics:2", "vics:3", "vics:4",
             UNCATEGORISED, "vics:0"]  # fmt: skip
_RANK = {category: rank for rank, category in enumerate(_SEVERITY)}


def default_mapping(scheme: str) -> dict[str, str]:
    return dict(DEFAULT_MAPPINGS[scheme])


def validate_mapping(scheme: str, mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping as stored; ValueError naming the first value outside the scheme."""
    allowed = set(SCHEMES[scheme]) | {UNCATEGORISED}
    clean: dict[str, str] = {}
    for raw, category in mapping.items():
        if category not in allowed:
            raise ValueError(f"{raw!r} maps to {category!r}, not one of {sorted(allowed)}")
        clean[str(raw).strip()] = category
    return clean


def map_category(raw: str | None, mapping: Mapping[str, str]) -> str:
    if raw is None:
        return UNCATEGORISED
    return mapping.get(raw) or mapping.get(raw.upper()) or UNCATEGORISED


def is_mapped(raw: str | None, mapping: Mapping[str, str]) -> bool:
    return raw is None or raw in mapping or raw.upper() in mapping


def most_severe(categories: Iterable[str]) -> str:
    return min(categories, key=lambda category: _RANK.get(category, len(_RANK)))


def severity(category: str) -> int:
    return _RANK.get(category, len(_RANK))


def vics_number(category: str | None) -> int | None:
    """The VICS 2.0 Category of an export; None (uncategorised) for other schemes."""
    if category and category.startswith("vics:"):
        return int(category.removeprefix("vics:"))
    return None


def list_code(category: str | None) -> str | None:
    """The category as a list writes it ("1", "A"); None when uncategorised."""
    if not category or category == UNCATEGORISED:
        return None
    return category.split(":", 1)[-1]
