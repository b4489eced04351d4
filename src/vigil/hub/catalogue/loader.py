"""Reading and writing catalogue entries: the seed folder, and whole catalogues in one file.

The seed is one YAML file per tool (`seed/<slug>.yaml`, one mapping); an exported catalogue is
one YAML or JSON file holding a list of entries. Nothing is accepted in part: a bad entry
rejects the whole load, with every problem found named by file, line (YAML) and field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from vigil.hub.catalogue.schema import (
    FIELDS,
    LANGUAGES,
    LIST_FIELDS,
    LOCALISED_FIELDS,
    TEXT_FIELDS,
    CatalogueEntry,
    Localised,
    Problem,
    problems,
)

SEED_FOLDER = Path(__file__).with_name("seed")
_YAML_SUFFIXES = (".yaml", ".yml")
# libyaml's parser and emitter where PyYAML was built with them (about ten times faster), else
# pure Python; both are the safe variants, and both give each node its line.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class CatalogueError(ValueError):
    """Entries Vigil cannot use; `problems` lists every problem found, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_seed(folder: Path | None = None) -> list[CatalogueEntry]:
    """Every `<slug>.yaml` in the seed folder (default: the one Vigil ships), sorted by slug."""
    folder = SEED_FOLDER if folder is None else folder
    if not folder.is_dir():
        raise CatalogueError([f"{folder}: no such folder"])
    # A tool in a file Vigil does not read would silently vanish from the catalogue.
    found = [f"{path}: not read: seed files end in .yaml" for path in sorted(folder.glob("*.yml"))]
    located: list[tuple[str, CatalogueEntry]] = []
    for path in sorted(folder.glob("*.yaml"), key=lambda file: file.stem):
        reader = _Reader(str(path))
        entry = reader.entry(reader.read_yaml(path))
        if entry is not None and entry.slug != path.stem:
            reader.problem(Problem("slug", f"{entry.slug!r} differs from the file name"))
        found += reader.problems
        if entry is not None and not reader.problems:
            located.append((str(path), entry))
    found += _duplicates(located)
    if found:
        raise CatalogueError(found)
    return [entry for _, entry in located]


def load_file(path: Path) -> list[CatalogueEntry]:
    """A whole catalogue: a list of entries in one YAML or JSON file (by its suffix)."""
    reader = _Reader(str(path))
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = reader.read_json(path)
    elif suffix in _YAML_SUFFIXES:
        data = reader.read_yaml(path)
    else:
        raise CatalogueError([f"{path}: expected a .json, .yaml or .yml file"])
    if reader.problems:
        raise CatalogueError(reader.problems)
    if not isinstance(data, list):
        raise CatalogueError([f"{path}: expected a list of entries, found {_kind(data)}"])
    found: list[str] = []
    located: list[tuple[str, CatalogueEntry]] = []
    for index, item in enumerate(data):
        slug = item.get("slug") if isinstance(item, Mapping) else None
        label = f"entry {index + 1}" + (f" ({slug})" if isinstance(slug, str) else "")
        entry_reader = _Reader(f"{path}, {label}")
        entry = entry_reader.entry(item)
        found += entry_reader.problems
        if entry is not None and not entry_reader.problems:
            located.append((entry_reader.source, entry))
    found += _duplicates(located)
    if found:
        raise CatalogueError(found)
    return [entry for _, entry in located]


def dump_yaml(entries: Iterable[CatalogueEntry]) -> str:
    return yaml.dump(
        [entry.as_dict() for entry in entries],
        Dumper=_SafeDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )


def dump_json(entries: Iterable[CatalogueEntry]) -> str:
    return json.dumps([entry.as_dict() for entry in entries], ensure_ascii=False, indent=2) + "\n"


def _duplicates(located: Sequence[tuple[str, CatalogueEntry]]) -> list[str]:
    """Slugs and names (ignoring case) must each name one tool across the whole catalogue."""
    found: list[str] = []
    first: dict[tuple[str, str], str] = {}
    for source, entry in located:
        for field, key in (("slug", entry.slug), ("name", entry.name.casefold())):
            seen_in = first.setdefault((field, key), source)
            if seen_in != source:
                value = getattr(entry, field)
                found.append(f"{source}: {field}: {value!r} is already used by {seen_in}")
    return found


def _kind(data: object) -> str:
    """What was found instead, in the words of a YAML or JSON file."""
    if data is None:
        return "nothing"
    if isinstance(data, bool):
        return str(data).lower()
    if isinstance(data, int | float):
        return f"the number {data}"
    if isinstance(data, str):
        return "text"
    return "a mapping" if isinstance(data, Mapping) else "a list"


# -- reading, with the line of each key ---------------------------------------------------------


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of each key, for messages that point to it."""

    line: int | None = None
    key_lines: dict[str, int]


class _LineLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        if key in mapping:  # PyYAML would silently keep the last value
            raise yaml.MarkedYAMLError(
                problem=f"key {key!r} given twice", problem_mark=key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise ValueError(f"key {key!r} given twice")
        mapping[key] = value
    return mapping


class _Reader:
    """Reads one file or entry, collecting its problems rather than stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self._data: object = None

    def read_yaml(self, path: Path) -> object:
        text = self._read_text(path)
        if text is None:
            return None
        try:
            return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or error
            self.problems.append(f"{self.source}{where}: not valid YAML: {problem}")
            return None

    def read_json(self, path: Path) -> object:
        text = self._read_text(path)
        if text is None:
            return None
        try:
            return json.loads(text, object_pairs_hook=_unique_keys)
        except ValueError as error:
            self.problems.append(f"{self.source}: not valid JSON: {error}")
            return None

    def _read_text(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.problems.append(f"{self.source}: cannot be read: {error}")
            return None

    def problem(self, problem: Problem) -> None:
        line = self._line_of(problem.field)
        where = f"{self.source}, line {line}" if line else self.source
        self.problems.append(f"{where}: {problem}")

    def _line_of(self, field: str) -> int | None:
        """The line of the deepest key on the field's path that the YAML file records."""
        node, line = self._data, getattr(self._data, "line", None)
        for key in field.replace("[", ".[").split("."):
            if not isinstance(node, _Mapping) or key not in node:
                break
            node, line = node[key], node.key_lines[key]
        return line

    def entry(self, data: object) -> CatalogueEntry | None:
        """The entry in `data`, or None; either way `problems` lists what is wrong with it."""
        if self.problems:  # the file could not be read
            return None
        self._data = data
        if not isinstance(data, Mapping):
            self.problems.append(
                f"{self.source}: expected a mapping of fields, found {_kind(data)}"
            )
            return None
        broken: set[str] = set()
        for key in data:
            if key not in FIELDS:
                self.problem(Problem(str(key), f"unknown field (fields: {', '.join(FIELDS)})"))
        for field in FIELDS:
            if field not in data or data[field] is None:
                self.problem(Problem(field, "missing"))
                broken.add(field)
            elif not self._well_formed(field, data[field]):
                broken.add(field)
        # Broken fields get placeholders, so the sound ones are still checked in this pass.
        values: dict[str, Any] = {"open_source": data.get("open_source") is True}
        for field in TEXT_FIELDS:
            values[field] = "" if field in broken else data[field].strip()
        for field in LIST_FIELDS:
            items = () if field in broken else data[field]
            values[field] = tuple(item.strip() for item in items)
        for field in LOCALISED_FIELDS:
            texts = {} if field in broken else data[field]
            values[field] = Localised.from_mapping({k: v.strip() for k, v in texts.items()})
        entry = CatalogueEntry(**values)
        for problem in problems(entry):
            if problem.field.split(".")[0].split("[")[0] not in broken:
                self.problem(problem)
        return None if broken else entry

    def _well_formed(self, field: str, value: object) -> bool:
        """Checks the field's type, reporting each misshapen part; True when all is well."""
        before = len(self.problems)
        if field in TEXT_FIELDS:
            self._expect_text(field, value)
        elif field in LIST_FIELDS:
            if not isinstance(value, list):
                self.problem(Problem(field, f"must be a list, not {_kind(value)}"))
            else:
                for index, item in enumerate(value):
                    self._expect_text(f"{field}[{index}]", item)
        elif field in LOCALISED_FIELDS:
            if not isinstance(value, Mapping):
                self.problem(Problem(field, f"must map {', '.join(LANGUAGES)} to texts"))
            else:
                for language, text in value.items():
                    if language not in LANGUAGES:
                        message = f"unknown language (the six: {', '.join(LANGUAGES)})"
                        self.problem(Problem(f"{field}.{language}", message))
                    else:
                        self._expect_text(f"{field}.{language}", text)
        elif not isinstance(value, bool):  # open_source
            self.problem(Problem(field, f"must be true or false, not {value!r}"))
        return len(self.problems) == before

    def _expect_text(self, field: str, value: object) -> None:
        if isinstance(value, bool):
            hint = "; quote it, as YAML reads an unquoted yes, no, on or off as true or false"
            self.problem(Problem(field, f"must be text, not {str(value).lower()}{hint}"))
        elif not isinstance(value, str):
            self.problem(Problem(field, f"must be text, not {_kind(value)}"))
