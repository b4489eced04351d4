"""Face detection with OpenCV's Viola-Jones (Haar cascade) frontal-face model.

A high-risk tool under the governance: it points at people. Its output is a suggestion with a
box; a person decides. The classic cascade is fast on a CPU and ships inside the opencv
package (nothing is downloaded), but it finds "faces" in textures too: its measured precision
in the agency, shown beside this card, is what tells a reviewer how far to trust it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from vigil.analyzers.base import Analyzer, Example, ImageInput, ModelInfo, file_digest
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput

CASCADE = "haarcascade_frontalface_default.xml"
MAX_SIDE = 1024  # faces smaller than ~24 px at this scale are not worth a reviewer's time


def _cascade_path() -> Path:
    import cv2

    return Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]


class FaceDetectionAnalyzer(ImageInput, Analyzer):
    name = "face_detection"
    version = "1.0"
    title = "Face detection (OpenCV Haar cascade)"
    summary = (
        "Boxes around frontal faces, as suggestions for victim-identification review. "
        "High risk: two approvers and a legal basis per case before each use."
    )
    uses_ai = True
    parameters: ClassVar[dict[str, Any]] = {"scale_factor": 1.1, "min_neighbors": 5, "min_size": 24}

    @classmethod
    def missing_dependency(cls) -> str | None:
        try:
            path = _cascade_path()
        except ImportError:
            return "the opencv package is not installed: pip install 'vigil[faces]'"
        return None if path.is_file() else f"OpenCV's {CASCADE} is missing from the package"

    @classmethod
    def model(cls) -> ModelInfo:
        import cv2

        path = _cascade_path()
        return ModelInfo(
            name=f"OpenCV {CASCADE}",
            origin=f"opencv-python-headless {cv2.__version__} (cv2/data), trained by Intel",
            licence="Intel License Agreement for Open Source Computer Vision Library (BSD-like)",
            digest=file_digest(path),
            files=(CASCADE,),
        )

    def analyze(self, ctx: AnalyzerContext) -> None:
        import cv2

        params: dict[str, Any] = {**self.parameters, **ctx.parameters}
        # The pixels as stored, not turned upright by EXIF: boxes are in the stored image's
        # pixels, whatever scale was analysed.
        decoded = self.load_image(ctx, MAX_SIDE, purpose="face detection", upright=False)
        if decoded is None:
            return
        rgb = decoded.rgb
        original_width, original_height = decoded.full_size
        scale_x = original_width / rgb.width
        scale_y = original_height / rgb.height
        grey = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2GRAY)
        detector = cv2.CascadeClassifier(str(_cascade_path()))
        boxes, _, weights = detector.detectMultiScale3(
            grey,
            scaleFactor=float(params["scale_factor"]),
            minNeighbors=int(params["min_neighbors"]),
            minSize=(int(params["min_size"]), int(params["min_size"])),
            outputRejectLevels=True,
        )
        for (x, y, w, h), weight in zip(boxes, np.ravel(weights), strict=False):
            # The cascade gives a stage weight, not a probability; a logistic squash keeps it
            # in 0..1 for sorting, and the raw weight travels with it.
            confidence = float(1.0 / (1.0 + np.exp(-float(weight))))
            ctx.suggest(
                "face",
                round(confidence, 4),
                box=[
                    round(x * scale_x),
                    round(y * scale_y),
                    round(w * scale_x),
                    round(h * scale_y),
                ],
                stage_weight=round(float(weight), 4),
            )

    @classmethod
    def examples(cls) -> list[Example]:
        out = io.BytesIO()
        Image.new("RGB", (320, 240), (128, 128, 128)).save(out, "JPEG")

        def no_faces(output: AnalyzerOutput) -> None:
            assert output.suggestions == []

        return [Example("a flat grey picture", out.getvalue(), "image", "jpeg", no_faces)]
