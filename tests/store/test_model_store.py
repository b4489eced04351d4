"""The local model store: imported files stay read-only under their SHA-256 with a record, an
analyzer gets the selected model through its context, and a changed file is caught."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from vigil.analyzers.base import Analyzer, ImageInput
from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.onnx import OnnxUnavailable, load_onnx_session
from vigil.analyzers.stored_model import UsesStoredModels, models_for_run
from vigil.store.models import (
    ModelRequirement,
    ModelStore,
    ModelStoreError,
    StoredModel,
    combined_digest,
    stored_file_name,
)


class _Detector(UsesStoredModels, ImageInput, Analyzer):
    """An analyzer that needs a stored model, as object detection does (not registered)."""

    name = "test_detector"
    version = "1.0"
    title = "Test detector"
    summary = "Needs a model from the store."
    uses_ai = True
    model_requirements: ClassVar[tuple[ModelRequirement, ...]] = (
        ModelRequirement("an ONNX detector with one float input"),
    )

    def analyze(self, ctx: AnalyzerContext) -> None:
        stored = ctx.model()
        if stored is None:
            ctx.error("model_missing", self.missing_dependency() or "no model")
            return
        session = load_onnx_session(stored.path)
        (doubled,) = session.run(None, {"x": np.array([[1.5, 2.0]], dtype=np.float32)})
        ctx.suggest("doubled", 0.5, values=doubled.tolist()[0], model_sha256=stored.sha256)


def tiny_onnx_model(path: Path) -> Path:
    """y = 2x: a real ONNX graph, built here, to run the real inference path."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "x"], ["y"])],
        "double",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())
    return path


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path / "models")


def _import(store: ModelStore, source: Path, **overrides: str) -> str:
    fields = {"name": "Doubler", "licence": "MIT", "origin": "built by the test"} | overrides
    record = store.import_file(source, imported_by="cli:tester", **fields)
    return record.sha256


def test_an_imported_model_is_kept_read_only_under_its_digest_with_a_record(
    store: ModelStore, tmp_path: Path
) -> None:
    source = tiny_onnx_model(tmp_path / "doubler.onnx")
    digest = _import(store, source, analyzer="test_detector")
    stored = store.root / digest / "doubler.onnx"
    record = json.loads((store.root / digest / "record.json").read_text())
    assert digest == hashlib.sha256(source.read_bytes()).hexdigest()
    assert stored.read_bytes() == source.read_bytes()
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert record["licence"] == "MIT" and record["origin"] == "built by the test"
    assert record["format"] == "onnx" and record["imported_by"] == "cli:tester"
    assert record["size"] == source.stat().st_size and record["imported_at"].endswith("+00:00")
    assert store.selection() == {"test_detector:model": digest}


def test_the_same_file_imported_twice_is_refused_and_the_store_keeps_one_copy(
    store: ModelStore, tmp_path: Path
) -> None:
    source = tiny_onnx_model(tmp_path / "doubler.onnx")
    digest = _import(store, source)
    with pytest.raises(ModelStoreError, match="already in the store"):
        _import(store, source, name="Doubler again")
    assert [record.sha256 for record in store.records()] == [digest]
    assert not list(store.root.glob(".import-*"))


def test_a_model_without_licence_or_origin_is_refused(store: ModelStore, tmp_path: Path) -> None:
    source = tiny_onnx_model(tmp_path / "doubler.onnx")
    with pytest.raises(ModelStoreError, match="a licence"):
        _import(store, source, licence=" ")
    with pytest.raises(ModelStoreError, match="an origin"):
        _import(store, source, origin="")
    assert store.records() == []


def test_stored_file_names_are_made_by_the_server() -> None:
    assert stored_file_name("../../etc/passwd") == "passwd"
    assert stored_file_name("yolo v8 (n).onnx") == "yolo_v8_n_.onnx"
    assert stored_file_name("record.json") == "model-record.json"
    assert stored_file_name("...") == "model"


def test_verify_finds_a_changed_and_a_missing_model(store: ModelStore, tmp_path: Path) -> None:
    first = _import(store, tiny_onnx_model(tmp_path / "a.onnx"), analyzer="test_detector")
    (tmp_path / "b.bin").write_bytes(b"weights")
    second = _import(store, tmp_path / "b.bin", name="Other")
    assert store.verify() == []
    changed = store.root / first / "a.onnx"
    changed.chmod(0o644)
    changed.write_bytes(changed.read_bytes() + b"\x00")
    (store.root / second / "b.bin").unlink()
    problems = {problem.sha256: problem.problem for problem in store.verify()}
    assert "now hashes to" in problems[first]
    assert "missing" in problems[second]


def test_a_model_is_found_by_an_unambiguous_prefix_and_can_be_selected_again(
    store: ModelStore, tmp_path: Path
) -> None:
    first = _import(store, tiny_onnx_model(tmp_path / "a.onnx"), analyzer="test_detector")
    (tmp_path / "b.onnx").write_bytes(b"not really onnx")
    second = _import(store, tmp_path / "b.onnx", name="B", analyzer="test_detector")
    assert store.selected("test_detector") == store.get(second[:10])
    store.select(first[:8], analyzer="test_detector")
    assert store.selected("test_detector") == store.get(first)
    with pytest.raises(ModelStoreError, match="8\\+ hex digits"):
        store.get("abc")


def test_an_analyzer_without_its_model_says_what_to_import(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIGIL_HOME", str(tmp_path / "home"))
    missing = _Detector.missing_dependency()
    assert missing is not None
    assert "an ONNX detector with one float input" in missing
    assert "vigil models import FILE" in missing and "--analyzer test_detector" in missing
    assert _Detector.model() is None
    ctx = AnalyzerContext(sha256="0" * 64, family="image", type_label="png", data=b"x")
    _Detector().analyze(ctx)
    assert [issue.code for issue in ctx.output.issues] == ["model_missing"]


def test_the_selected_model_gives_the_analyzer_its_identity_and_runs_in_the_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIGIL_HOME", str(tmp_path / "home"))
    store = ModelStore(tmp_path / "home" / "models")
    digest = _import(store, tiny_onnx_model(tmp_path / "d.onnx"), analyzer="test_detector")
    assert _Detector.missing_dependency() is None
    model = _Detector.model()
    assert model is not None and model.digest == digest and model.licence == "MIT"
    models = models_for_run(_Detector, digest)  # what the coordinator hands the workers
    ctx = AnalyzerContext(
        sha256="0" * 64, family="image", type_label="png", data=b"x", models=models
    )
    _Detector().analyze(ctx)
    (suggestion,) = ctx.output.suggestions
    assert suggestion.data == {"values": [3.0, 4.0], "model_sha256": digest}


def test_a_run_refuses_a_model_selected_after_it_was_approved(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIGIL_HOME", str(tmp_path / "home"))
    store = ModelStore(tmp_path / "home" / "models")
    approved = _import(store, tiny_onnx_model(tmp_path / "d.onnx"), analyzer="test_detector")
    (tmp_path / "newer.onnx").write_bytes(b"another model")
    _import(store, tmp_path / "newer.onnx", name="Newer", analyzer="test_detector")
    with pytest.raises(ModelStoreError, match="changed since the run started"):
        models_for_run(_Detector, approved)


def test_several_roles_have_one_identity_independent_of_their_order() -> None:
    a = StoredModel("detector", "A", "a" * 64, "/a")
    b = StoredModel("recogniser", "B", "b" * 64, "/b")
    assert combined_digest({"detector": a}) == "a" * 64
    assert combined_digest({"detector": a, "recogniser": b}) == combined_digest(
        {"recogniser": b, "detector": a}
    )
    assert combined_digest({}) == ""


def test_a_file_that_is_not_a_model_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "broken.onnx").write_bytes(b"\x08\x01garbage")
    with pytest.raises(OnnxUnavailable, match=r"broken\.onnx is not a model"):
        load_onnx_session(tmp_path / "broken.onnx")
    with pytest.raises(OnnxUnavailable, match="cannot be read"):
        load_onnx_session(tmp_path / "absent.onnx")
