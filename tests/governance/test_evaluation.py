"""Evaluation figures on tiny labelled folders: file_type (its type fact against the labels)
and face_detection (its suggestions) on synthetic and shared images."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from vigil.analyzers.face_detection.analyzer import FaceDetectionAnalyzer
from vigil.analyzers.file_type.analyzer import FileTypeAnalyzer
from vigil.governance.evaluation import LabelsError, evaluate, load_labels


def picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 150)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def typed_folder(tmp_path: Path) -> Path:
    (tmp_path / "a.png").write_bytes(picture("PNG"))
    (tmp_path / "b.jpg").write_bytes(picture("JPEG"))
    (tmp_path / "c.gif").write_bytes(picture("GIF"))
    (tmp_path / "d.jpg").write_bytes(picture("PNG"))  # labelled jpeg by mistake: a PNG
    (tmp_path / "labels.csv").write_text(
        "file,labels\na.png,png\nb.jpg,jpeg\nc.gif,gif\nd.jpg,jpeg\n", encoding="utf-8"
    )
    return tmp_path


def test_a_deterministic_tool_is_measured_on_the_fact_it_states(typed_folder: Path) -> None:
    result = evaluate(FileTypeAnalyzer, typed_folder, fact="type_label")
    figures = result.as_dict()
    assert (figures["files"], figures["failed"]) == (4, 0)
    assert figures["exact_match_accuracy"] == 0.75
    assert figures["per_label"]["png"] == {
        "true_positives": 1,
        "false_positives": 1,
        "false_negatives": 0,
        "true_negatives": 2,
        "precision": 0.5,
        "recall": 1.0,
        "accuracy": 0.75,
    }
    assert figures["per_label"]["jpeg"]["recall"] == 0.5
    assert figures["overall"]["precision"] == 0.75
    assert figures["mistakes"] == [{"file": "d.jpg", "expected": ["jpeg"], "predicted": ["png"]}]
    assert figures["data"] == typed_folder.name and len(figures["labels_sha256"]) == 64
    json.dumps(figures)


def test_an_ai_tool_is_measured_on_its_suggestions_and_absence_counts(
    tmp_path: Path, shared_data: Path
) -> None:
    (tmp_path / "grey.jpg").write_bytes(picture("JPEG"))
    shutil.copy(
        shared_data / "threatexchange/pdq/data/reg-test-input/dih/bridge-5-flipx.jpg", tmp_path
    )
    (tmp_path / "labels.json").write_text(
        json.dumps({"grey.jpg": [], "bridge-5-flipx.jpg": []}), encoding="utf-8"
    )
    figures = evaluate(FaceDetectionAnalyzer, tmp_path).as_dict()
    face = figures["per_label"]["face"]  # the cascade's known false positive on the bridge
    assert (face["false_positives"], face["true_negatives"], face["precision"]) == (1, 1, 0.0)
    assert face["recall"] is None  # no face to find: recall is undefined, not 0 or 1
    strict = evaluate(FaceDetectionAnalyzer, tmp_path, min_confidence=0.9999).as_dict()
    assert strict["exact_match_accuracy"] == 1.0


def test_a_deterministic_tool_without_a_named_fact_is_refused(typed_folder: Path) -> None:
    with pytest.raises(ValueError, match="fact"):
        evaluate(FileTypeAnalyzer, typed_folder)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "neither"),
        ({"labels.csv": "file,labels\n", "labels.json": "{}"}, "both"),
        ({"labels.csv": "name,kind\nx,y\n"}, "header"),
        ({"labels.csv": "file,labels\nmissing.jpg,face\n"}, "not in the folder"),
        ({"labels.csv": "file,labels\n../outside.jpg,face\n"}, "outside"),
        ({"labels.json": '{"a": 3}'}, "string or a list"),
        ({"labels.json": "{broken"}, "line 1"),
        ({"labels.csv": "file,labels\n"}, "labels no file"),
    ],
)
def test_an_unusable_labels_file_says_what_is_wrong(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (tmp_path / "outside.jpg").write_bytes(b"x")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(LabelsError, match=message):
        load_labels(folder)


def test_several_labels_and_an_empty_cell_are_read_from_csv(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "b.jpg").write_bytes(b"x")
    (tmp_path / "labels.csv").write_text("file,labels\na.jpg,face; text\nb.jpg,\n", "utf-8")
    entries, _ = load_labels(tmp_path)
    assert [(e.name, set(e.expected)) for e in entries] == [
        ("a.jpg", {"face", "text"}),
        ("b.jpg", set()),
    ]
