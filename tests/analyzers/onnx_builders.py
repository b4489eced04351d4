"""Tiny ONNX models built by the tests with the `onnx` package, so that the analyzers' real
pre-processing, onnxruntime inference and post-processing run without a downloaded model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper


def yolov8_like(
    path: Path,
    candidates: npt.NDArray[np.float32],
    *,
    side: int = 640,
    names: dict[int, str] | None = None,
) -> Path:
    """A model with YOLOv8's interface: input `images` (1, 3, side, side), output `output0`
    (1, 4 + C, N) holding `candidates` (N rows of cx, cy, w, h, C class scores, in input
    pixels). The image really flows through the graph (its mean, times zero, is added), so a
    wrong input shape or type fails as it would with a real detector."""
    constant = np.ascontiguousarray(candidates.T[np.newaxis].astype(np.float32))
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=1),
        helper.make_node("Reshape", ["mean", "shape"], ["mean3"]),
        helper.make_node("Mul", ["mean3", "zero"], ["nothing"]),
        helper.make_node("Add", ["detections", "nothing"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes,
        "yolov8_like",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, side, side])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(constant.shape))],
        initializer=[
            numpy_helper.from_array(constant, "detections"),
            numpy_helper.from_array(np.array([1, 1, 1], dtype=np.int64), "shape"),
            numpy_helper.from_array(np.zeros(1, dtype=np.float32), "zero"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if names is not None:
        helper.set_model_props(model, {"names": repr(names)})
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def candidate(
    cx: float, cy: float, w: float, h: float, scores: dict[int, float], classes: int = 80
) -> list[float]:
    row = [cx, cy, w, h] + [0.0] * classes
    for class_id, score in scores.items():
        row[4 + class_id] = score
    return row
