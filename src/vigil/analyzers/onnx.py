"""One way to open an ONNX model, for every analyzer that runs one.

onnxruntime would otherwise record telemetry events and use every core for one inference; on
an evidence machine nothing of the kind is kept, and parallelism comes from Vigil's worker
processes (one item per process), so each session runs on the CPU with one intra-op thread.
Sessions are cached per (path, file size, mtime): a worker loads a model once, not per item.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnxruntime


class OnnxUnavailable(RuntimeError):
    """onnxruntime is not installed, or the model file cannot be loaded; says which."""


def load_onnx_session(path: str | Path) -> onnxruntime.InferenceSession:
    """A CPU inference session for the model at `path`, telemetry off, one intra-op thread."""
    resolved = Path(path).resolve()
    try:
        info = resolved.stat()
    except OSError as error:
        raise OnnxUnavailable(f"the model file {resolved} cannot be read: {error}") from None
    return _session(str(resolved), info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _session(path: str, size: int, mtime_ns: int) -> onnxruntime.InferenceSession:
    try:
        import onnxruntime
    except ImportError:
        raise OnnxUnavailable(
            "the onnxruntime package is not installed: pip install onnxruntime"
        ) from None
    onnxruntime.disable_telemetry_events()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: warnings name file paths, not content
    try:
        return onnxruntime.InferenceSession(
            path, sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime raises its own untyped exceptions
        name = os.path.basename(path)
        raise OnnxUnavailable(f"{name} is not a model onnxruntime can load: {error}") from None
