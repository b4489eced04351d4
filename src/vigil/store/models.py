"""The local model store: model files an administrator imported, each kept read-only under its
SHA-256 with a record of where it came from. Vigil never downloads a model; an analyzer whose
model no installed package ships loads it from here.

Layout (VIGIL_HOME/models/)::

    <sha256>/<file name>      the model file, read-only
    <sha256>/record.json      name, sha256, size, licence, origin, imported_at (UTC),
                              imported_by, analyzer, role, format, file
    selection.json            {"<analyzer>:<role>": "<sha256>"}: the model each analyzer uses

This module is pure (no Django): workers and the CLI use it alike. Importing and selecting are
audited by the caller (`vigil models import` / `vigil models use`).

How an analyzer uses a stored model (for analyzer authors)
-------------------------------------------------------------
1. Inherit `UsesStoredModels` (vigil.analyzers.stored_model) first and declare what it needs::

       class ObjectDetectionAnalyzer(UsesStoredModels, ImageInput, Analyzer):
           model_requirements = (
               ModelRequirement(
                   role="model",                      # the default role
                   description="a YOLOX ONNX detector (80 COCO classes, 640x640 input)",
               ),
           )

   The mixin supplies `model()` (name, origin, licence and SHA-256 of the selected stored
   model: what governance approvals are bound to) and `missing_dependency()` (a sentence that
   names the `vigil models import ... --analyzer NAME --role ROLE` command when a required
   model is missing, or onnxruntime when it is not installed). A requirement with
   `optional=True` (e.g. synthetic_media's learned detector) is used when present and never
   reported missing. Call `super().missing_dependency()` if you override it.

2. In `analyze(ctx)`, ask the context for the resolved file; never open the store yourself::

       stored = ctx.model("model")           # a StoredModel, or None when none was imported
       if stored is None:
           ctx.error("model_missing", self.missing_dependency() or "no model imported")
           return
       session = load_onnx_session(stored.path)   # vigil.analyzers.onnx, cache it per path
       ...  ctx.suggest(label, score, model_sha256=stored.sha256, ...)

   The coordinator (vigil.pipeline.analysis) resolves the selected models before the run,
   checks that they are still the ones the run was approved with (the run's model digest),
   and hands each worker the paths in `AnalysisTask.models`; the worker passes them to
   `AnalyzerContext(models=...)`. A test or an evaluation builds the context itself:
   `AnalyzerContext(..., models=Analyzer.stored_models(store))` or
   `models={"model": StoredModel.from_file("model", path)}` for a file built in the test.

3. The model digest of an analyzer with several roles is the SHA-256 of its roles' digests
   ("role:sha256" lines, sorted by role); with one stored model it is that file's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from vigil import config
from vigil.core.fs import atomic_file

MODELS_DIR = "models"
RECORD_FILE = "record.json"
SELECTION_FILE = "selection.json"
DEFAULT_ROLE = "model"
#: File formats Vigil knows how to load, by file suffix; anything else is "other".
FORMATS = {".onnx": "onnx", ".ort": "onnx", ".bin": "binary", ".json": "json", ".txt": "text"}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_WORD = re.compile(r"[a-z0-9_]+")


class ModelStoreError(Exception):
    """A model that cannot be imported, found or selected; the message says why."""


@dataclass(frozen=True, slots=True)
class ModelRequirement:
    """A model an analyzer needs from the store, declared on the analyzer class."""

    description: str  # what to import, in words an administrator can act on
    role: str = DEFAULT_ROLE
    format: str = "onnx"
    optional: bool = False


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A resolved model file as a worker receives it: picklable, no store needed."""

    role: str
    name: str
    sha256: str
    path: str
    licence: str = ""
    origin: str = ""

    @classmethod
    def from_file(cls, role: str, path: Path, *, name: str = "", licence: str = "") -> StoredModel:
        """A model file outside the store (a test's tiny model, an evaluation's candidate)."""
        return cls(role, name or path.name, sha256_of(path), str(path), licence, "local file")


@dataclass(frozen=True, slots=True)
class ModelRecord:
    name: str
    sha256: str
    size: int
    licence: str
    origin: str
    imported_at: str  # ISO 8601, UTC
    imported_by: str
    analyzer: str  # the analyzer it was imported for; "" when none was named
    role: str
    format: str
    file: str  # the file name inside <sha256>/

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelRecord:
        known = {f.name for f in fields(cls)}
        missing = known - set(data)
        if missing:
            raise ModelStoreError(f"the record lacks {', '.join(sorted(missing))}")
        return cls(**{key: data[key] for key in known})

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    sha256: str
    problem: str


class ModelStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # -- importing -----------------------------------------------------------------------------
    def import_file(
        self,
        source: Path,
        *,
        name: str,
        licence: str,
        origin: str,
        imported_by: str,
        analyzer: str = "",
        role: str = DEFAULT_ROLE,
        model_format: str | None = None,
    ) -> ModelRecord:
        """Copies `source` in (read-only) and records it; naming an analyzer also selects it
        for that analyzer and role. The same file imported twice is an error, not a copy."""
        if not source.is_file():
            raise ModelStoreError(f"{source} is not a file")
        for label, value in (("a name", name), ("a licence", licence), ("an origin", origin)):
            if not value.strip():
                raise ModelStoreError(f"a model needs {label}: say where it comes from")
        _check_word("analyzer", analyzer, allow_empty=True)
        _check_word("role", role)
        self.root.mkdir(parents=True, exist_ok=True)
        # Copy first, hash the copy: the digest recorded is the digest of what is stored.
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".import-", suffix=".tmp")
        os.close(handle)
        try:
            shutil.copyfile(source, temporary)
            digest = sha256_of(Path(temporary))
            folder = self.root / digest
            if (folder / RECORD_FILE).is_file():
                existing = self.get(digest)
                raise ModelStoreError(
                    f"this file is already in the store as {existing.name!r} ({digest[:12]}); "
                    f"select it with `vigil models use {digest[:12]} --analyzer NAME`"
                )
            file_name = stored_file_name(source.name)
            folder.mkdir(exist_ok=True)
            target = folder / file_name
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        target.chmod(stat.S_IRUSR)  # read-only, for the instance user alone
        record = ModelRecord(
            name=name.strip(),
            sha256=digest,
            size=target.stat().st_size,
            licence=licence.strip(),
            origin=origin.strip(),
            imported_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            imported_by=imported_by,
            analyzer=analyzer,
            role=role,
            format=model_format or FORMATS.get(Path(file_name).suffix.lower(), "other"),
            file=file_name,
        )
        with atomic_file(folder / RECORD_FILE) as stream:
            stream.write(json.dumps(record.as_json(), indent=2).encode())
        if analyzer:
            self.select(digest, analyzer=analyzer, role=role)
        return record

    # -- reading -------------------------------------------------------------------------------
    def records(self) -> list[ModelRecord]:
        """Every imported model, oldest first; a folder without a readable record is skipped
        (`verify` reports it)."""
        found = []
        for folder in self._model_folders():
            try:
                found.append(self._read_record(folder))
            except ModelStoreError:
                continue
        return sorted(found, key=lambda record: (record.imported_at, record.sha256))

    def get(self, digest_or_prefix: str) -> ModelRecord:
        """A record by its SHA-256 or an unambiguous prefix of at least 8 hex digits."""
        wanted = digest_or_prefix.strip().lower()
        if len(wanted) < 8 or not re.fullmatch(r"[0-9a-f]+", wanted):
            raise ModelStoreError(f"{digest_or_prefix!r} is not a SHA-256 (or 8+ hex digits)")
        matches = [f for f in self._model_folders() if f.name.startswith(wanted)]
        if not matches:
            raise ModelStoreError(f"no model {wanted} in the store (see `vigil models ls`)")
        if len(matches) > 1:
            raise ModelStoreError(f"{wanted} names {len(matches)} models: give more digits")
        return self._read_record(matches[0])

    def path_of(self, record: ModelRecord) -> Path:
        return self.root / record.sha256 / record.file

    def stored(self, record: ModelRecord, role: str | None = None) -> StoredModel:
        return StoredModel(
            role or record.role,
            record.name,
            record.sha256,
            str(self.path_of(record)),
            record.licence,
            record.origin,
        )

    # -- selecting -----------------------------------------------------------------------------
    def selection(self) -> dict[str, str]:
        """{"<analyzer>:<role>": sha256} for every analyzer that has a model selected."""
        path = self.root / SELECTION_FILE
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ModelStoreError(f"{path} cannot be read: {error}") from None
        if not isinstance(data, dict):
            raise ModelStoreError(f"{path} does not hold a selection")
        return {str(key): str(value) for key, value in data.items()}

    def select(self, digest_or_prefix: str, *, analyzer: str, role: str = DEFAULT_ROLE) -> str:
        """Makes a stored model the one `analyzer` uses for `role`; returns its SHA-256."""
        _check_word("analyzer", analyzer)
        _check_word("role", role)
        record = self.get(digest_or_prefix)
        chosen = self.selection() | {f"{analyzer}:{role}": record.sha256}
        self.root.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.root / SELECTION_FILE) as stream:
            stream.write(json.dumps(dict(sorted(chosen.items())), indent=2).encode())
        return record.sha256

    def selected(self, analyzer: str, role: str = DEFAULT_ROLE) -> ModelRecord | None:
        digest = self.selection().get(f"{analyzer}:{role}")
        if digest is None:
            return None
        try:
            return self.get(digest)
        except ModelStoreError:
            return None  # selected, then removed by hand: treated as not imported

    def resolve(
        self, analyzer: str, requirements: tuple[ModelRequirement, ...]
    ) -> dict[str, StoredModel]:
        """The selected model for each role of `analyzer` that has one (missing roles absent)."""
        resolved = {}
        for requirement in requirements:
            record = self.selected(analyzer, requirement.role)
            if record is not None and self.path_of(record).is_file():
                resolved[requirement.role] = self.stored(record, requirement.role)
        return resolved

    # -- checking ------------------------------------------------------------------------------
    def verify(self) -> list[VerifyProblem]:
        """Re-hashes every stored file: a changed, missing or unrecorded file is a problem."""
        problems = []
        for folder in self._model_folders():
            try:
                record = self._read_record(folder)
            except ModelStoreError as error:
                problems.append(VerifyProblem(folder.name, str(error)))
                continue
            path = self.path_of(record)
            if not path.is_file():
                problems.append(VerifyProblem(record.sha256, f"the file {record.file} is missing"))
                continue
            actual = sha256_of(path)
            if actual != record.sha256:
                problems.append(
                    VerifyProblem(record.sha256, f"{record.file} now hashes to {actual}")
                )
        known = {folder.name for folder in self._model_folders()}
        for key, digest in self.selection().items():
            if digest not in known:
                problems.append(VerifyProblem(digest, f"selected for {key} but not in the store"))
        return problems

    # -- internals -----------------------------------------------------------------------------
    def _model_folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and _SHA256.fullmatch(p.name))

    def _read_record(self, folder: Path) -> ModelRecord:
        try:
            data = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ModelStoreError(f"the record of {folder.name} cannot be read: {error}") from None
        if not isinstance(data, dict):
            raise ModelStoreError(f"the record of {folder.name} is not a JSON object")
        record = ModelRecord.from_json(data)
        if record.sha256 != folder.name or Path(record.file).name != record.file:
            raise ModelStoreError(f"the record of {folder.name} does not match its folder")
        return record


def default_model_store() -> ModelStore:
    """The instance's model store: VIGIL_HOME/models."""
    return ModelStore(config.vigil_home() / MODELS_DIR)


def combined_digest(models: dict[str, StoredModel]) -> str:
    """The identity of an analyzer's models: one model's SHA-256, or a digest over the roles."""
    if len(models) == 1:
        return next(iter(models.values())).sha256
    lines = "".join(f"{role}:{models[role].sha256}\n" for role in sorted(models))
    return hashlib.sha256(lines.encode()).hexdigest() if lines else ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def stored_file_name(original: str) -> str:
    """A file name made by the server from the original's: safe characters only, never a
    path, never the record's own name."""
    cleaned = _SAFE_NAME.sub("_", Path(original).name).strip("._") or "model"
    cleaned = cleaned[:100]
    return f"model-{cleaned}" if cleaned == RECORD_FILE else cleaned


def _check_word(label: str, value: str, *, allow_empty: bool = False) -> None:
    if allow_empty and not value:
        return
    if not _WORD.fullmatch(value):
        raise ModelStoreError(f"the {label} {value!r} must be lower-case letters, digits and _")
