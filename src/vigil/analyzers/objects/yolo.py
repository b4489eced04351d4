"""YOLOv8 ONNX detection, pre- and post-processing in numpy (the Ultralytics export format).

In: the image is letterboxed (scaled to fit, aspect kept, padded with grey 114) to the model's
square input, RGB, 0..1, NCHW. Out: one tensor (1, 4 + C, N): for each of N candidate boxes its
centre x, centre y, width, height in input pixels, then one score per class (no objectness).
Candidates under the score threshold are dropped, overlapping boxes of one class are reduced by
non-maximum suppression, and the survivors are mapped back to the original image's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

PAD_GREY = 114


@dataclass(frozen=True, slots=True)
class Letterbox:
    scale: float  # input pixels per original pixel
    pad_x: float
    pad_y: float

    def to_original(
        self, boxes: npt.NDArray[np.float32], width: int, height: int
    ) -> npt.NDArray[np.float32]:
        """x1, y1, x2, y2 in input pixels -> the same in the original image, clipped to it."""
        mapped = boxes.copy()
        mapped[:, [0, 2]] = (mapped[:, [0, 2]] - self.pad_x) / self.scale
        mapped[:, [1, 3]] = (mapped[:, [1, 3]] - self.pad_y) / self.scale
        mapped[:, [0, 2]] = mapped[:, [0, 2]].clip(0, width)
        mapped[:, [1, 3]] = mapped[:, [1, 3]].clip(0, height)
        return mapped


@dataclass(frozen=True, slots=True)
class Detection:
    class_id: int
    score: float
    box: tuple[int, int, int, int]  # x, y, width, height in the original image's pixels


def letterbox(image: Image.Image, side: int) -> tuple[npt.NDArray[np.float32], Letterbox]:
    """The model's input tensor (1, 3, side, side) and how to map boxes back."""
    scale = min(side / image.width, side / image.height)
    width, height = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    canvas = Image.new("RGB", (side, side), (PAD_GREY, PAD_GREY, PAD_GREY))
    pad_x, pad_y = (side - width) // 2, (side - height) // 2
    canvas.paste(
        image.convert("RGB").resize((width, height), Image.Resampling.BILINEAR), (pad_x, pad_y)
    )
    tensor = np.asarray(canvas, dtype=np.float32).transpose(2, 0, 1)[np.newaxis] / 255.0
    return np.ascontiguousarray(tensor), Letterbox(scale, float(pad_x), float(pad_y))


def decode(
    output: npt.NDArray[np.float32],
    frame: Letterbox,
    original: tuple[int, int],
    *,
    min_score: float,
    iou_threshold: float,
    max_detections: int,
) -> list[Detection]:
    """The model's (1, 4 + C, N) output -> detections in the original image, best first."""
    if output.ndim != 3 or output.shape[0] != 1 or output.shape[1] < 5:
        raise ValueError(
            f"expected a YOLOv8 output of shape (1, 4 + classes, N), got {output.shape}"
        )
    candidates = output[0].T  # (N, 4 + C)
    scores_by_class = candidates[:, 4:]
    class_ids = scores_by_class.argmax(axis=1)
    scores = scores_by_class[np.arange(len(candidates)), class_ids]
    keep = scores >= min_score
    centres, class_ids, scores = candidates[keep, :4], class_ids[keep], scores[keep]
    corners = np.stack(
        [
            centres[:, 0] - centres[:, 2] / 2,
            centres[:, 1] - centres[:, 3] / 2,
            centres[:, 0] + centres[:, 2] / 2,
            centres[:, 1] + centres[:, 3] / 2,
        ],
        axis=1,
    )
    chosen = non_maximum_suppression(corners, scores, class_ids, iou_threshold)[:max_detections]
    mapped = frame.to_original(corners[chosen], *original)
    detections = []
    for (x1, y1, x2, y2), class_id, score in zip(
        mapped, class_ids[chosen], scores[chosen], strict=True
    ):
        box = (round(float(x1)), round(float(y1)), round(float(x2 - x1)), round(float(y2 - y1)))
        if box[2] > 0 and box[3] > 0:
            detections.append(Detection(int(class_id), float(score), box))
    return detections


def non_maximum_suppression(
    boxes: npt.NDArray[np.float32],
    scores: npt.NDArray[np.float32],
    class_ids: npt.NDArray[np.int64],
    iou_threshold: float,
) -> list[int]:
    """Indices of the boxes kept, best score first; a box is dropped when it overlaps a better
    one of the same class by more than `iou_threshold` (intersection over union)."""
    order = list(np.argsort(-scores, kind="stable"))
    kept: list[int] = []
    while order:
        best = order.pop(0)
        kept.append(int(best))
        order = [
            index
            for index in order
            if class_ids[index] != class_ids[best]
            or _iou(boxes[best], boxes[index]) <= iou_threshold
        ]
    return kept


def _iou(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    width = max(0.0, float(min(a[2], b[2]) - max(a[0], b[0])))
    height = max(0.0, float(min(a[3], b[3]) - max(a[1], b[1])))
    overlap = width * height
    union = float((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])) - overlap
    return overlap / union if union > 0 else 0.0
