"""The mixin for analyzers whose model an administrator imports into the local model store
(see vigil.store.models for the whole story, with an example)."""

from __future__ import annotations

import importlib.util
from typing import ClassVar

from vigil.analyzers.base import Analyzer, ModelInfo
from vigil.store.models import (
    ModelRequirement,
    ModelStore,
    ModelStoreError,
    StoredModel,
    combined_digest,
    default_model_store,
)


class UsesStoredModels:
    """Put it first among the bases: it supplies `model()` and `missing_dependency()`."""

    name: ClassVar[str]
    model_requirements: ClassVar[tuple[ModelRequirement, ...]] = ()

    @classmethod
    def stored_models(cls, store: ModelStore | None = None) -> dict[str, StoredModel]:
        """The model selected for each role that has one; read from files, never the database."""
        try:
            return (store or default_model_store()).resolve(cls.name, cls.model_requirements)
        except ModelStoreError:
            return {}

    @classmethod
    def model(cls) -> ModelInfo | None:
        models = cls.stored_models()
        if not models:
            return None
        ordered = [models[role] for role in sorted(models)]
        return ModelInfo(
            name=" + ".join(model.name for model in ordered),
            origin="; ".join(f"{model.origin} (model store)" for model in ordered),
            licence="; ".join(model.licence for model in ordered),
            digest=combined_digest(models),
            files=tuple(f"{model.role}: {model.sha256}" for model in ordered),
        )

    @classmethod
    def missing_dependency(cls) -> str | None:
        if any(r.format == "onnx" for r in cls.model_requirements) and not _installed(
            "onnxruntime"
        ):
            return "the onnxruntime package is not installed: pip install onnxruntime"
        return cls.missing_models()

    @classmethod
    def missing_models(cls) -> str | None:
        """A sentence naming the import command for each required model not in the store."""
        present = cls.stored_models()
        missing = [r for r in cls.model_requirements if not r.optional and r.role not in present]
        if not missing:
            return None
        return "; ".join(
            f"no {requirement.role} imported for {cls.name}: import {requirement.description} "
            f"with `vigil models import FILE --name NAME --licence LICENCE --origin ORIGIN "
            f"--analyzer {cls.name} --role {requirement.role}`"
            for requirement in missing
        )


def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def models_for_run(analyzer: type[Analyzer], approved_digest: str) -> dict[str, StoredModel]:
    """The stored models a run uses, resolved by the coordinator before any worker starts.

    They must be the models the run was started (and approved) with: a model selected in
    between is refused rather than used under another model's approval."""
    if not issubclass(analyzer, UsesStoredModels):
        return {}
    models = analyzer.stored_models()
    if combined_digest(models) != approved_digest:
        raise ModelStoreError(
            f"the models selected for {analyzer.name} changed since the run started "
            f"(approved {approved_digest[:12] or 'none'}, now "
            f"{combined_digest(models)[:12] or 'none'}): start the run again"
        )
    return models
