"""Face detection runs the real cascade; on people-free images it still finds "faces", which
is why its output is only ever a suggestion."""

from __future__ import annotations

from pathlib import Path

from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.face_detection.analyzer import FaceDetectionAnalyzer


def _detect(path: Path) -> AnalyzerContext:
    ctx = AnalyzerContext(sha256="0" * 64, family="image", type_label="jpeg", path=path)
    FaceDetectionAnalyzer().analyze(ctx)
    return ctx


def test_boxes_are_reported_in_the_original_image_coordinates(shared_data: Path) -> None:
    bridge = shared_data / "threatexchange/pdq/data/reg-test-input/dih/bridge-5-flipx.jpg"
    ctx = _detect(bridge)
    assert ctx.output.suggestions, "the cascade's known false positive on this bridge"
    from PIL import Image

    with Image.open(bridge) as img:
        width, height = img.size
    for suggestion in ctx.output.suggestions:
        x, y, w, h = suggestion.data["box"]
        assert suggestion.label == "face"
        assert x >= 0 and y >= 0 and x + w <= width + 1 and y + h <= height + 1
        assert 0 < suggestion.confidence <= 1  # type: ignore[operator]


def test_a_corrupt_image_is_an_error_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")
    ctx = _detect(broken)
    assert [issue.code for issue in ctx.output.issues] == ["image_corrupt"]


def test_the_model_digest_is_the_cascade_file_hash() -> None:
    import hashlib

    import cv2

    cascade = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
    assert FaceDetectionAnalyzer.model().digest == hashlib.sha256(cascade.read_bytes()).hexdigest()
