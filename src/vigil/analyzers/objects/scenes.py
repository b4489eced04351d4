"""Scene tags derived from the objects detected, by fixed rules: no scene model runs.

A tag holds when any of its objects was detected; its confidence is the best score among them.
The rules are deliberately plain, so that a reviewer can see why a tag was given (the data of
each tag suggestion name the objects behind it). A learned scene classifier (e.g. Places365)
would need a model in the store; none is used.
"""

from __future__ import annotations

from vigil.analyzers.objects.yolo import Detection

SCENE_RULES: dict[str, frozenset[str]] = {
    "street or road": frozenset(
        {"car", "bus", "truck", "motorcycle", "bicycle", "traffic light", "stop sign",
         "fire hydrant", "parking meter"}
    ),
    "bedroom": frozenset({"bed"}),
    "kitchen": frozenset({"oven", "microwave", "refrigerator", "toaster", "sink"}),
    "bathroom": frozenset({"toilet", "toothbrush", "hair drier"}),
    "living room": frozenset({"couch", "tv", "remote"}),
    "dining": frozenset({"dining table", "wine glass", "fork", "knife", "spoon", "bowl"}),
    "office or desk": frozenset({"laptop", "keyboard", "mouse"}),
    "animals": frozenset(
        {"bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"}
    ),
    "sport": frozenset(
        {"sports ball", "skis", "snowboard", "kite", "baseball bat", "baseball glove",
         "skateboard", "surfboard", "tennis racket", "frisbee"}
    ),
    "travel": frozenset({"airplane", "train", "boat", "suitcase"}),
    "people": frozenset({"person"}),
    "toys": frozenset({"teddy bear"}),
}  # fmt: skip


def scene_tags(detections: list[Detection], names: list[str]) -> dict[str, tuple[float, list[str]]]:
    """Tag -> (best score, the objects that gave it), for each tag that holds."""
    tags: dict[str, tuple[float, list[str]]] = {}
    for tag, objects in SCENE_RULES.items():
        behind = [d for d in detections if names[d.class_id] in objects]
        if behind:
            labels = sorted({names[d.class_id] for d in behind})
            tags[tag] = (max(d.score for d in behind), labels)
    return tags
