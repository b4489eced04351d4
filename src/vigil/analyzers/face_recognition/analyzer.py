"""Faces with their 128-D embeddings (dlib), for grouping the same face across a case.

Detection is dlib's HOG frontal-face detector; each face is aligned on dlib's 5-point landmark
model and described by dlib's ResNet embedding model, whose vectors put photos of one person
about 0.3-0.45 apart and different people 0.8+ apart. The 68-point landmark model that ships in
the same package is never loaded: its training data forbids commercial use.

Each face is a suggestion (label "face") carrying its box, in the pixels of the upright image,
and its embedding; `vigil faces cluster` groups the embeddings of a case. On a video it runs on
the first frame of every scene (see vigil.analyzers.video_scenes.keyframes).
"""

from __future__ import annotations

import importlib.util
import io
import math
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from vigil.analyzers.base import Analyzer, Example, ImageInput, ModelInfo, file_digest
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.face_recognition.embedding import encode_embedding
from vigil.analyzers.video_scenes.keyframes import (
    KEYFRAME_PARAMETERS,
    KeyframeInput,
    analyze_keyframes,
)

MODELS_PACKAGE = "face_recognition_models"
LANDMARKS = "shape_predictor_5_face_landmarks.dat"
EMBEDDING = "dlib_face_recognition_resnet_model_v1.dat"
MAX_UPSAMPLINGS = 3
INSTALL_HINT = "pip install 'vigil[faces]' (the dlib-bin and face-recognition-models packages)"


def models_dir() -> Path | None:
    """Where face-recognition-models keeps its files, found without importing the package
    (its __init__ needs pkg_resources, which newer environments lack)."""
    spec = importlib.util.find_spec(MODELS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def _model_files() -> tuple[Path, Path]:
    folder = models_dir()
    if folder is None:
        raise FileNotFoundError(f"the {MODELS_PACKAGE} package is not installed")
    return folder / LANDMARKS, folder / EMBEDDING


@cache
def _models() -> tuple[Any, Any, Any]:
    """The detector, landmark and embedding models, loaded once a process (~0.3 s)."""
    import dlib

    landmarks, embedding = _model_files()
    return (
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(str(landmarks)),
        dlib.face_recognition_model_v1(str(embedding)),
    )


class FaceRecognitionAnalyzer(ImageInput, KeyframeInput, Analyzer):
    name = "face_recognition"
    version = "1.0"
    title = "Faces with embeddings for grouping (dlib)"
    summary = (
        "Boxes around faces with a 128-D embedding each, so that the same face can be grouped "
        "across a case (`vigil faces cluster`); videos are analysed scene by scene. Never an "
        "identification. High risk: two approvers and a legal basis per case before each use."
    )
    uses_ai = True
    parameters: ClassVar[dict[str, Any]] = {
        "max_side": 1280,  # larger photos are scaled down first: faces under ~50 px are lost
        "upsample": 1,  # one upsampling finds faces down to ~40 px at max_side
        "small_side": 1024,  # smaller images get more upsamplings (at most 3), to this size
        "min_score": 0.0,  # dlib's detection threshold (SVM margin)
        "jitters": 0,  # extra embedding passes on jittered crops: slower, slightly steadier
        **KEYFRAME_PARAMETERS,
    }

    @classmethod
    def missing_dependency(cls) -> str | None:
        if importlib.util.find_spec("dlib") is None:
            return f"the dlib package is not installed: {INSTALL_HINT}"
        try:
            files = _model_files()
        except FileNotFoundError as error:
            return f"{error}: {INSTALL_HINT}"
        absent = [path.name for path in files if not path.is_file()]
        return f"{', '.join(absent)} missing: {INSTALL_HINT}" if absent else None

    @classmethod
    def model(cls) -> ModelInfo:
        from importlib.metadata import version

        return ModelInfo(
            name=f"dlib HOG frontal face detector + {LANDMARKS} + {EMBEDDING}",
            origin=(
                f"dlib-bin {version('dlib-bin')} (detector) and face-recognition-models "
                f"{version('face-recognition-models')} (landmark and embedding models, "
                "trained by Davis King)"
            ),
            licence="dlib: Boost Software License 1.0; models: CC0 1.0 (as dlib-models states)",
            digest=file_digest(*_model_files()),
            files=(LANDMARKS, EMBEDDING),
        )

    def analyze(self, ctx: AnalyzerContext) -> None:
        if ctx.family == "video":
            analyze_keyframes(ctx, self.analyze_image)
        else:
            self.analyze_image(ctx)

    def analyze_image(self, ctx: AnalyzerContext) -> None:
        params: dict[str, Any] = {**self.parameters, **ctx.parameters}
        # Upright (phones store faces sideways), at most max_side long; boxes are scaled back.
        decoded = self.load_image(ctx, int(params["max_side"]), purpose="face analysis")
        if decoded is None:
            return
        rgb = decoded.rgb
        scale = max(decoded.full_size) / max(rgb.size)
        try:
            detector, landmarks, embedder = _models()
        except (ImportError, RuntimeError, FileNotFoundError) as error:
            ctx.error(
                "model_missing", f"The face models could not be loaded ({error}): {INSTALL_HINT}"
            )
            return
        pixels = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
        upsample = _upsamplings(max(rgb.size), int(params["upsample"]), int(params["small_side"]))
        boxes, scores, _ = detector.run(pixels, upsample, float(params["min_score"]))
        for box, score in zip(boxes, scores, strict=True):
            shape = landmarks(pixels, box)
            vector = embedder.compute_face_descriptor(pixels, shape, int(params["jitters"]))
            ctx.suggest(
                "face",
                round(1.0 / (1.0 + math.exp(-float(score))), 4),
                box=_original_box(box, scale, rgb.size),
                detector_score=round(float(score), 4),
                embedding=encode_embedding(np.asarray(vector)),
            )

    @classmethod
    def examples(cls) -> list[Example]:
        out = io.BytesIO()
        Image.new("RGB", (320, 240), (128, 128, 128)).save(out, "JPEG")

        def no_faces(output: AnalyzerOutput) -> None:
            assert output.suggestions == [] and output.issues == []

        return [Example("a flat grey picture", out.getvalue(), "image", "jpeg", no_faces)]


def _upsamplings(side: int, least: int, small_side: int) -> int:
    """Each upsampling doubles the image the detector scans: small pictures (web images,
    thumbnails, chat photos) need more of them to show faces of ~20 px."""
    count = least
    while count < MAX_UPSAMPLINGS and side * 2**count < small_side:
        count += 1
    return count


def _original_box(box: Any, scale: float, size: tuple[int, int]) -> list[int]:
    """[x, y, width, height] in the upright original's pixels, clipped to the image (dlib's
    boxes may reach past its edges)."""
    width, height = size
    left, top = max(box.left(), 0), max(box.top(), 0)
    right, bottom = min(box.right(), width - 1), min(box.bottom(), height - 1)
    return [
        round(left * scale),
        round(top * scale),
        round((right - left + 1) * scale),
        round((bottom - top + 1) * scale),
    ]
