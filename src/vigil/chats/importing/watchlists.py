"""Agency watch-lists: stored lists of keywords and patterns, read from YAML or CSV, and the
matcher the importer runs over every message. A hit becomes a Suggestion (tool
"chat-watchlist") that a person confirms or rejects like any AI output."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from vigil.chats.watchlist import Term, WatchListError, WatchListMatcher, compile_regex, fold_term
from vigil.records.chats.models import WatchList, WatchTerm

WATCHLIST_TOOL = "chat-watchlist"
WATCHLIST_TOOL_VERSION = "1"


@dataclass(frozen=True)
class TermSpec:
    pattern: str
    is_regex: bool = False
    label: str = ""
    language: str = ""


def read_terms(path: Path) -> list[TermSpec]:
    """Terms from a YAML file (a list of strings or of {pattern|keyword|regex, label,
    language}, or {terms: [...]}) or a CSV file (columns pattern, regex, label, language)."""
    text = path.read_text(encoding="utf-8-sig")
    specs = _csv_terms(text) if path.suffix.lower() in (".csv", ".tsv") else _yaml_terms(text)
    for spec in specs:
        if spec.is_regex:
            compile_regex(spec.pattern)
        elif not fold_term(spec.pattern):
            raise WatchListError("an empty keyword matches everything")
    if not specs:
        raise WatchListError(f"{path.name} holds no terms")
    return specs


def save_list(name: str, terms: list[TermSpec], *, actor: str, description: str = "") -> WatchList:
    """Creates the list, or replaces its terms and counts a new version."""
    with transaction.atomic():
        watch_list, created = WatchList.objects.get_or_create(
            name=name, defaults={"created_by": actor, "description": description}
        )
        if not created:
            watch_list.terms.all().delete()
            watch_list.version += 1
            if description:
                watch_list.description = description
            watch_list.save()
        WatchTerm.objects.bulk_create(
            [
                WatchTerm(
                    watch_list=watch_list,
                    pattern=spec.pattern,
                    is_regex=spec.is_regex,
                    label=spec.label[:200],
                    language=spec.language[:8],
                )
                for spec in terms
            ]
        )
    return watch_list


def load_matcher() -> tuple[WatchListMatcher, list[dict[str, Any]]]:
    """The matcher over every stored list, and what goes into the provenance of its hits."""
    terms = [
        Term(term.pk, term.watch_list.name, term.pattern, term.is_regex, term.label)
        for term in WatchTerm.objects.select_related("watch_list").order_by("pk")
    ]
    lists = [
        {"name": name, "version": version, "terms": count}
        for name, version, count in _list_versions()
    ]
    return WatchListMatcher(terms), lists


def _list_versions() -> list[tuple[str, int, int]]:
    from django.db.models import Count

    rows = WatchList.objects.annotate(count=Count("terms")).order_by("name")
    return [(row.name, row.version, row.count) for row in rows if row.count]


def _yaml_terms(text: str) -> list[TermSpec]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise WatchListError(f"not valid YAML: {error}") from None
    if isinstance(data, dict):
        data = data.get("terms")
    if not isinstance(data, list):
        raise WatchListError("expected a list of terms (or {terms: [...]})")
    specs = []
    for entry in data:
        if isinstance(entry, str | int | float):
            specs.append(TermSpec(str(entry)))
        elif isinstance(entry, dict):
            specs.append(_spec_from_mapping(entry))
        else:
            raise WatchListError(
                f"a term must be a string or a mapping, not {type(entry).__name__}"
            )
    return specs


def _spec_from_mapping(entry: dict[str, Any]) -> TermSpec:
    if "regex" in entry:
        pattern, is_regex = str(entry["regex"]), True
    else:
        pattern = str(entry.get("pattern") or entry.get("keyword") or "")
        is_regex = bool(entry.get("is_regex", False))
    return TermSpec(
        pattern, is_regex, str(entry.get("label") or ""), str(entry.get("language") or "")
    )


def _csv_terms(text: str) -> list[TermSpec]:
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] else "excel"
    rows = csv.DictReader(io.StringIO(text), dialect=dialect)
    if rows.fieldnames is None or "pattern" not in rows.fieldnames:
        raise WatchListError("a CSV watch-list needs a 'pattern' column")
    return [
        TermSpec(
            pattern=row["pattern"] or "",
            is_regex=(row.get("regex") or "").strip().lower() in ("1", "true", "yes", "regex"),
            label=row.get("label") or "",
            language=row.get("language") or "",
        )
        for row in rows
    ]
