"""Objects and scenes through a tiny YOLOv8-shaped ONNX model built by the test: the real
letterbox, onnxruntime inference, NMS and rescaling run, and the boxes must come back where the
model put them, in the original image's pixels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.analyzers.onnx_builders import candidate, yolov8_like
from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.objects.analyzer import ObjectDetectionAnalyzer
from vigil.analyzers.objects.yolo import non_maximum_suppression
from vigil.store.models import ModelStore, StoredModel

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
PERSON, CAR, DOG = 0, 2, 16

# A 1280x720 photo letterboxed into 640x640: scale 0.5, 140 px of grey above and below.
# The person at x 100..300, y 200..600 of the photo is at x 50..150, y 240..440 of the input.
CANDIDATES = np.array(
    [
        candidate(100, 340, 100, 200, {PERSON: 0.9}),
        candidate(102, 342, 100, 200, {PERSON: 0.6}),  # the same person, weaker: suppressed
        candidate(400, 300, 120, 60, {CAR: 0.8}),
        candidate(104, 338, 96, 196, {DOG: 0.5}),  # overlaps the person, another class: kept
        candidate(500, 500, 20, 20, {CAR: 0.1}),  # under the score threshold
    ],
    dtype=np.float32,
)


def photo(width: int = 1280, height: int = 720) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 150)).save(out, "JPEG")
    return out.getvalue()


def detect(content: bytes, model: Path | None) -> AnalyzerContext:
    models = {"model": StoredModel.from_file("model", model)} if model else {}
    ctx = AnalyzerContext(
        sha256="0" * 64, family="image", type_label="jpeg", data=content, models=models
    )
    ObjectDetectionAnalyzer().analyze(ctx)
    return ctx


@pytest.fixture
def detector(tmp_path: Path) -> Path:
    return yolov8_like(tmp_path / "yolov8-like.onnx", CANDIDATES)


def objects(ctx: AnalyzerContext) -> list[tuple[str, float | None, list[int]]]:
    return [
        (s.label, s.confidence, s.data["box"])
        for s in ctx.output.suggestions
        if s.data["kind"] == "object"
    ]


def test_boxes_come_back_in_the_original_images_pixels_after_nms(detector: Path) -> None:
    ctx = detect(photo(), detector)
    assert ctx.output.issues == []
    assert objects(ctx) == [
        ("person", 0.9, [100, 200, 200, 400]),
        ("car", 0.8, [680, 260, 240, 120]),
        ("dog", 0.5, [112, 200, 192, 392]),
    ]


def test_a_portrait_photo_is_letterboxed_left_and_right(tmp_path: Path) -> None:
    # 720x1280: scale 0.5, 140 px of grey left and right; a box at input x 190..290, y 100..300
    # is at x 100..300, y 200..600 of the photo.
    model = yolov8_like(tmp_path / "m.onnx", np.array([candidate(240, 200, 100, 200, {CAR: 0.7})]))
    assert objects(detect(photo(720, 1280), model)) == [("car", 0.7, [100, 200, 200, 400])]


def test_scene_tags_name_the_objects_that_gave_them(detector: Path) -> None:
    scenes = {
        s.data["tag"]: (s.confidence, s.data["derived_from"])
        for s in detect(photo(), detector).output.suggestions
        if s.data["kind"] == "scene"
    }
    assert scenes == {
        "street or road": (0.8, ["car"]),
        "animals": (0.5, ["dog"]),
        "people": (0.9, ["person"]),
    }


def test_class_names_come_from_the_models_own_metadata(tmp_path: Path) -> None:
    model = yolov8_like(
        tmp_path / "custom.onnx",
        np.array([candidate(320, 320, 64, 64, {1: 0.7}, classes=2)]),
        names={0: "knife", 1: "pistol"},
    )
    assert [label for label, _, _ in objects(detect(photo(), model))] == ["pistol"]


def test_without_an_imported_model_it_names_the_import_command() -> None:
    ctx = detect(photo(), None)
    (issue,) = ctx.output.issues
    assert issue.code == "model_missing"
    assert "vigil models import" in issue.message and "--analyzer objects" in issue.message
    assert ctx.output.suggestions == []


def test_a_model_with_another_output_is_refused_clearly(tmp_path: Path) -> None:
    model = yolov8_like(tmp_path / "odd.onnx", np.zeros((5, 2), dtype=np.float32)[:, :4])
    ctx = detect(photo(), model)
    assert [issue.code for issue in ctx.output.issues] == ["model_unusable"]


def test_a_model_imported_into_the_store_is_the_one_that_runs(
    detector: Path, tmp_path: Path
) -> None:
    store = ModelStore(tmp_path / "models")
    record = store.import_file(
        detector,
        name="yolov8-like test model",
        licence="test",
        origin="built by the test",
        imported_by="tester",
        analyzer="objects",
    )
    resolved = ObjectDetectionAnalyzer.stored_models(store)
    ctx = AnalyzerContext(
        sha256="0" * 64, family="image", type_label="jpeg", data=photo(), models=resolved
    )
    ObjectDetectionAnalyzer().analyze(ctx)
    assert {s.data["model_sha256"] for s in ctx.output.suggestions} == {record.sha256}
    assert objects(ctx)[0] == ("person", 0.9, [100, 200, 200, 400])


def test_an_undecodable_image_is_a_clear_error(detector: Path) -> None:
    ctx = detect(b"\xff\xd8\xff" + b"\x00" * 50, detector)
    assert [issue.code for issue in ctx.output.issues] == ["image_corrupt"]


def test_nms_keeps_the_best_of_overlapping_boxes_of_one_class_only() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [50, 50, 60, 60]], np.float32)
    scores = np.array([0.6, 0.9, 0.8, 0.3], np.float32)
    classes = np.array([0, 0, 1, 0])
    assert non_maximum_suppression(boxes, scores, classes, 0.45) == [1, 2, 3]
