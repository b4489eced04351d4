"""The catalogue in the database: seeding, import and export, search and filters.

Seeding (at every migrate, so at `vigil init` and on upgrade) is idempotent: a tool missing from
the database is added, a tool still as shipped (origin "seed") follows the seed's current text,
and a tool a hub admin edited or imported (origin "curated") is never overwritten. A tool is
never deleted by the seed; hub admins hide tools instead of deleting them, so reviews survive.

Search is a case-folded substring match of every word of the query against one column holding
all texts of a tool in the six languages: the same on SQLite and PostgreSQL, it finds a tool by
a word of its Arabic or Chinese description (scripts without spaces need no tokeniser), and the
catalogue is small (hundreds of tools), so no index is needed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet

from vigil.hub.catalogue import (
    LANGUAGES,
    CatalogueEntry,
    CatalogueError,
    Localised,
    dump_json,
    dump_yaml,
    load_file,
    load_seed,
)
from vigil.records.hub.models import Tool

#: The list filters of the catalogue page: facet (query parameter) → CatalogueEntry field.
FACET_FIELDS = {
    "category": "categories",
    "crime": "crimes",
    "input": "inputs",
    "deployment": "deployment",
}
EXPORT_FORMATS = ("yaml", "json")
COMPARE_MIN, COMPARE_MAX = 2, 4


@dataclass(frozen=True, slots=True)
class SyncResult:
    added: int
    updated: int
    kept_curated: int


def entry_of(tool: Tool) -> CatalogueEntry:
    return CatalogueEntry(
        slug=tool.slug,
        name=tool.name,
        provider=tool.provider,
        categories=tuple(tool.categories),
        crimes=tuple(tool.crimes),
        inputs=tuple(tool.inputs),
        ui_languages=tuple(tool.ui_languages),
        deployment=tuple(tool.deployment),
        licence=tool.licence,
        cost=tool.cost,
        open_source=tool.open_source,
        reference=tool.reference,
        description=Localised.from_mapping(tool.description),
        data_handling=Localised.from_mapping(tool.data_handling),
    )


def apply_entry(tool: Tool, entry: CatalogueEntry) -> None:
    """Copies the entry's fields onto the tool and refreshes its derived columns (not saved)."""
    data = entry.as_dict()
    for field, value in data.items():
        setattr(tool, field, value)
    tool.facets = facets_of(entry)
    tool.search_text = search_text_of(entry)


def facets_of(entry: CatalogueEntry) -> str:
    parts = [
        f"{facet}:{value}"
        for facet, field in FACET_FIELDS.items()
        for value in getattr(entry, field)
    ]
    parts += [f"cost:{entry.cost}", f"open_source:{'yes' if entry.open_source else 'no'}"]
    return "|" + "|".join(parts) + "|"


def search_text_of(entry: CatalogueEntry) -> str:
    texts = [entry.name, entry.provider, entry.slug, *entry.categories, *entry.crimes]
    for localised in (entry.description, entry.data_handling):
        texts += [localised[language] for language in LANGUAGES]
    return normalise("\n".join(texts))


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def sync_seed(entries: Sequence[CatalogueEntry] | None = None) -> SyncResult:
    """Brings the shipped seed into the database (see the module's note on what is kept)."""
    entries = load_seed() if entries is None else entries
    existing = {tool.slug: tool for tool in Tool.objects.all()}
    added = updated = kept = 0
    with transaction.atomic():
        for entry in entries:
            tool = existing.get(entry.slug)
            if tool is None:
                tool = Tool(origin=Tool.Origin.SEED, updated_by="seed")
                apply_entry(tool, entry)
                tool.save()
                added += 1
            elif tool.origin == Tool.Origin.CURATED:
                kept += 1
            elif entry_of(tool) != entry:
                apply_entry(tool, entry)
                tool.save()
                updated += 1
    return SyncResult(added, updated, kept)


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int


def import_entries(entries: Iterable[CatalogueEntry], *, by: str) -> ImportResult:
    """Adds or replaces tools by slug, all or nothing; imported tools count as curated."""
    added = updated = 0
    with transaction.atomic():
        for entry in entries:
            tool = Tool.objects.filter(slug=entry.slug).first()
            if tool is None:
                tool, added = Tool(), added + 1
            else:
                updated += 1
            apply_entry(tool, entry)
            tool.origin = Tool.Origin.CURATED
            tool.updated_by = by
            tool.save()
    return ImportResult(added, updated)


def read_upload(name: str, content: bytes) -> list[CatalogueEntry]:
    """Entries from an uploaded file, checked by the same loader as the command line. The
    file is written under a name of the server's making: only its suffix is taken from the
    upload, and only if it is one the loader reads."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise CatalogueError([f"{Path(name).name}: expected a .json, .yaml or .yml file"])
    with tempfile.TemporaryDirectory(prefix="vigil-import-") as folder:
        path = Path(folder) / f"catalogue{suffix}"
        path.write_bytes(content)
        try:
            return load_file(path)
        except CatalogueError as error:
            # Name the upload, not the temporary file.
            raise CatalogueError(
                [problem.replace(str(path), Path(name).name) for problem in error.problems]
            ) from None


def export_text(tools: Iterable[Tool], file_format: str) -> str:
    entries = [entry_of(tool) for tool in tools]
    if file_format == "json":
        return dump_json(entries)
    if file_format == "yaml":
        return dump_yaml(entries)
    raise ValueError(f"unknown export format {file_format!r} (one of: yaml, json)")


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    query: str = ""
    category: str = ""
    crime: str = ""
    input: str = ""
    deployment: str = ""
    cost: str = ""
    open_source: bool = False


def visible_tools(*, include_hidden: bool = False) -> QuerySet[Tool]:
    tools = Tool.objects.all()
    return tools if include_hidden else tools.filter(hidden=False)


def with_ratings(tools: QuerySet[Tool]) -> QuerySet[Tool]:
    shown = Q(reviews__hidden=False)
    return tools.annotate(
        rating=Avg("reviews__rating", filter=shown), review_count=Count("reviews", filter=shown)
    )


def search(tools: QuerySet[Tool], filters: Filters) -> QuerySet[Tool]:
    for word in normalise(filters.query).split():
        tools = tools.filter(search_text__contains=word)
    for facet in FACET_FIELDS:
        value = getattr(filters, facet)
        if value:
            tools = tools.filter(facets__contains=f"|{facet}:{value}|")
    if filters.cost:
        tools = tools.filter(facets__contains=f"|cost:{filters.cost}|")
    if filters.open_source:
        tools = tools.filter(open_source=True)
    return tools


def compared(slugs: Sequence[str]) -> list[Tool]:
    """The tools to compare side by side, in the order asked; unknown or hidden ones drop out."""
    by_slug = {tool.slug: tool for tool in with_ratings(visible_tools().filter(slug__in=slugs))}
    chosen = list(dict.fromkeys(slug for slug in slugs if slug in by_slug))
    return [by_slug[slug] for slug in chosen[:COMPARE_MAX]]
