"""Objects and scenes: a YOLOv8 ONNX detector from the local model store, and scene tags
derived from what it found (see scenes.py).

No package ships a general object detector that runs offline here, so an administrator imports
one (`vigil models import yolov8n.onnx --analyzer objects ...`); until then the analyzer says so
and runs nothing. Every box is a suggestion (label, score, box in the original image's pixels);
every scene tag too, with the objects behind it. The labels make the review queue filterable.
"""

from __future__ import annotations

import ast
import functools
import io
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from vigil.analyzers.base import Analyzer, Example, ImageInput
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.objects.coco import COCO_CLASSES
from vigil.analyzers.objects.scenes import scene_tags
from vigil.analyzers.objects.yolo import decode, letterbox
from vigil.analyzers.onnx import OnnxUnavailable, load_onnx_session
from vigil.analyzers.stored_model import UsesStoredModels
from vigil.media.image import FORMATS
from vigil.store.models import ModelRequirement

DEFAULT_SIDE = 640


class ObjectDetectionAnalyzer(UsesStoredModels, ImageInput, Analyzer):
    name = "objects"
    version = "1.0"
    title = "Objects and scenes (YOLOv8 ONNX from the model store)"
    summary = (
        "Boxes around common objects (the 80 COCO classes: people, vehicles, furniture, "
        "animals...) with scores, and scene tags derived from them, to filter the review queue."
    )
    uses_ai = True
    parameters: ClassVar[dict[str, Any]] = {
        "min_score": 0.25,
        "iou_threshold": 0.45,
        "max_detections": 100,
    }
    model_requirements = (
        ModelRequirement(
            description=(
                "a YOLOv8 ONNX detector in Ultralytics' export format (e.g. yolov8n.onnx: "
                "input 1x3x640x640, output 1x84xN, 80 COCO classes)"
            ),
        ),
    )

    def analyze(self, ctx: AnalyzerContext) -> None:
        params: dict[str, Any] = {**self.parameters, **ctx.parameters}
        stored = ctx.model("model")
        if stored is None:
            ctx.error("model_missing", self.missing_models() or "no object detector imported")
            return
        try:
            session = load_onnx_session(stored.path)
        except OnnxUnavailable as error:
            ctx.error("model_unusable", str(error))
            return
        decoded = self.load_image(ctx, purpose="object detection", formats=FORMATS)
        if decoded is None:
            return
        image = decoded.rgb
        names = class_names(session)
        tensor, frame = letterbox(image, input_side(session))
        (output, *_) = session.run(None, {session.get_inputs()[0].name: tensor})
        try:
            detections = decode(
                np.asarray(output, dtype=np.float32),
                frame,
                image.size,
                min_score=float(params["min_score"]),
                iou_threshold=float(params["iou_threshold"]),
                max_detections=int(params["max_detections"]),
            )
        except ValueError as error:
            ctx.error("model_unusable", f"{stored.name} is not a YOLOv8 detector: {error}")
            return
        if detections and max(d.class_id for d in detections) >= len(names):
            ctx.error("model_unusable", f"{stored.name} scores more classes than it names")
            return
        for detection in detections:
            ctx.suggest(
                names[detection.class_id],
                round(detection.score, 4),
                kind="object",
                box=list(detection.box),
                class_id=detection.class_id,
                model_sha256=stored.sha256,
            )
        for tag, (score, objects) in scene_tags(detections, names).items():
            ctx.suggest(
                f"scene: {tag}",
                round(score, 4),
                kind="scene",
                tag=tag,
                derived_from=objects,
                model_sha256=stored.sha256,
            )

    @classmethod
    def examples(cls) -> list[Example]:
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (90, 90, 90)).save(out, "PNG")

        def without_a_model_it_says_what_to_import(output: AnalyzerOutput) -> None:
            codes = [issue.code for issue in output.issues]
            assert output.suggestions == [] or codes == []
            assert codes in ([], ["model_missing"])

        return [
            Example(
                "a flat grey picture",
                out.getvalue(),
                "image",
                "png",
                without_a_model_it_says_what_to_import,
            )
        ]


def input_side(session: Any) -> int:
    """The model's square input side; 640 when the export left it dynamic."""
    shape = session.get_inputs()[0].shape
    side = shape[-1] if len(shape) == 4 else None
    return side if isinstance(side, int) and side > 0 else DEFAULT_SIDE


def class_names(session: Any) -> list[str]:
    """The names an Ultralytics export stores in its metadata ("{0: 'person', ...}"), else
    COCO's 80."""
    return list(_names_from_metadata(session.get_modelmeta().custom_metadata_map.get("names", "")))


@functools.lru_cache(maxsize=8)
def _names_from_metadata(raw: str) -> tuple[str, ...]:
    try:
        parsed = ast.literal_eval(raw) if raw else None
    except (ValueError, SyntaxError):
        parsed = None
    if isinstance(parsed, dict) and parsed and all(isinstance(k, int) for k in parsed):
        return tuple(str(parsed.get(index, f"class {index}")) for index in range(max(parsed) + 1))
    return COCO_CLASSES
