"""How well an analyzer does on a labelled folder: precision, recall and accuracy per label and
overall, the figures its model card cites.

The folder holds the files and one labels file:
- `labels.csv`: a header `file,labels`, then one row per file; several labels are separated
  by `;`; an empty cell says "none of the labels" (a true negative for every label);
- or `labels.json`: {"file name": ["label", ...] or "label" or []}.

Each file is stored in a scratch evidence store and analysed by the worker's own function
(vigil.pipeline.analysis_worker.run_analyzer), so evaluation runs the code path of a governed
run, without a case. What an output "says" is, in order of preference: the analyzer's own
adapter (a classmethod `evaluation_labels(output) -> set[str]`), the named fact (its value,
or each value of a list), or for an AI analyzer the labels of its suggestions at or above
`min_confidence`. Pure: no Django; the CLI audits the run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigil.analyzers.base import Analyzer
from vigil.analyzers.context import AnalyzerOutput
from vigil.core import filetype
from vigil.pipeline.analysis_worker import AnalysisTask, run_analyzer
from vigil.store.evidence import EvidenceStore

LABEL_FILES = ("labels.csv", "labels.json")
MAX_LABELLED_FILES = 100_000
MAX_LISTED_MISTAKES = 1_000


class LabelsError(ValueError):
    """The labels file is missing or malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class LabelledFile:
    name: str  # relative to the folder, as written in the labels file
    expected: frozenset[str]


@dataclass
class LabelFigures:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0

    @property
    def precision(self) -> float | None:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float | None:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def accuracy(self) -> float | None:
        right = self.true_positives + self.true_negatives
        return _ratio(right, right + self.false_positives + self.false_negatives)

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "accuracy": _round(self.accuracy),
        }


@dataclass
class Evaluation:
    analyzer: str
    version: str
    model_digest: str
    data: str  # the folder's name, never its full path
    labels_sha256: str
    files: int = 0
    failed: int = 0  # files whose analysis reported an error (they still count)
    exact_matches: int = 0
    per_label: dict[str, LabelFigures] = field(default_factory=dict)
    mistakes: list[dict[str, Any]] = field(default_factory=list)
    evaluated_at: str = ""

    @property
    def overall(self) -> LabelFigures:
        total = LabelFigures()
        for figures in self.per_label.values():
            total.true_positives += figures.true_positives
            total.false_positives += figures.false_positives
            total.false_negatives += figures.false_negatives
            total.true_negatives += figures.true_negatives
        return total

    @property
    def exact_match_accuracy(self) -> float | None:
        return _ratio(self.exact_matches, self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "analyzer": self.analyzer,
            "version": self.version,
            "model_digest": self.model_digest,
            "data": self.data,
            "labels_sha256": self.labels_sha256,
            "evaluated_at": self.evaluated_at,
            "files": self.files,
            "failed": self.failed,
            "exact_match_accuracy": _round(self.exact_match_accuracy),
            "overall": self.overall.as_dict(),
            "per_label": {label: f.as_dict() for label, f in sorted(self.per_label.items())},
            "mistakes": self.mistakes,
        }


def load_labels(folder: Path) -> tuple[list[LabelledFile], str]:
    """The labelled files and the SHA-256 of the labels file (so a figure names its data)."""
    present = [folder / name for name in LABEL_FILES if (folder / name).is_file()]
    if len(present) != 1:
        raise LabelsError(
            f"{folder} must hold exactly one of {' or '.join(LABEL_FILES)} "
            f"({'both' if present else 'neither'} found)"
        )
    raw = present[0].read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabelsError(f"{present[0].name} is not UTF-8 text") from None
    entries = _csv_labels(text) if present[0].suffix == ".csv" else _json_labels(text)
    if not entries:
        raise LabelsError(f"{present[0].name} labels no file")
    if len(entries) > MAX_LABELLED_FILES:
        raise LabelsError(f"{present[0].name} labels more than {MAX_LABELLED_FILES:,} files")
    root = folder.resolve()
    for entry in entries:
        path = (folder / entry.name).resolve()
        if not path.is_relative_to(root) or path == root:
            raise LabelsError(f"{entry.name!r} lies outside the folder")
        if not path.is_file():
            raise LabelsError(f"{entry.name!r} is labelled but not in the folder")
    return entries, hashlib.sha256(raw).hexdigest()


def _csv_labels(text: str) -> list[LabelledFile]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or {"file", "labels"} - set(reader.fieldnames):
        raise LabelsError("labels.csv needs a header line with the columns file,labels")
    entries: list[LabelledFile] = []
    for row in reader:
        name = (row.get("file") or "").strip()
        if not name:
            raise LabelsError(f"labels.csv line {reader.line_num}: no file name")
        labels = (row.get("labels") or "").split(";")
        entries.append(LabelledFile(name, frozenset(x.strip() for x in labels if x.strip())))
    return _unique(entries)


def _json_labels(text: str) -> list[LabelledFile]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise LabelsError(f"labels.json line {error.lineno}: {error.msg}") from None
    if not isinstance(document, dict):
        raise LabelsError('labels.json must be an object: {"file": ["label", ...]}')
    entries = []
    for name, labels in document.items():
        values = [labels] if isinstance(labels, str) else labels
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise LabelsError(f"labels.json: the labels of {name!r} must be a string or a list")
        entries.append(LabelledFile(name, frozenset(v.strip() for v in values if v.strip())))
    return _unique(entries)


def _unique(entries: list[LabelledFile]) -> list[LabelledFile]:
    seen: set[str] = set()
    for entry in entries:
        if entry.name in seen:
            raise LabelsError(f"{entry.name!r} is labelled twice")
        seen.add(entry.name)
    return entries


def predicted_labels(
    analyzer: type[Analyzer],
    output: AnalyzerOutput,
    *,
    fact: str | None = None,
    min_confidence: float = 0.0,
) -> set[str]:
    """What the output says, as labels comparable with the expected ones."""
    adapter = getattr(analyzer, "evaluation_labels", None)
    if adapter is not None and fact is None:
        return {str(label) for label in adapter(output)}
    if fact is not None:
        value = output.facts.get(fact)
        if value is None:
            return set()
        return {str(v) for v in value} if isinstance(value, list | tuple | set) else {str(value)}
    if analyzer.uses_ai:
        return {
            s.label
            for s in output.suggestions
            if s.confidence is None or s.confidence >= min_confidence
        }
    raise ValueError(
        f"{analyzer.name} states facts, not labels: name the fact to compare (e.g. --fact ...)"
    )


def evaluate(
    analyzer: type[Analyzer],
    folder: Path,
    *,
    fact: str | None = None,
    min_confidence: float = 0.0,
    parameters: dict[str, Any] | None = None,
) -> Evaluation:
    """Runs `analyzer` on every labelled file of `folder` and compares. LabelsError when the
    labels file is unusable; ValueError when the analyzer's output cannot be compared."""
    entries, labels_sha256 = load_labels(folder)
    model = analyzer.model()
    result = Evaluation(
        analyzer=analyzer.name,
        version=analyzer.version,
        model_digest=model.digest if model else "",
        data=folder.resolve().name,
        labels_sha256=labels_sha256,
        evaluated_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    vocabulary = {label for entry in entries for label in entry.expected}
    with tempfile.TemporaryDirectory(prefix="vigil-evaluate-") as scratch:
        store = EvidenceStore(Path(scratch)).create()
        for entry in entries:
            output = _analyse(analyzer, store, folder / entry.name, parameters or {})
            predicted = predicted_labels(analyzer, output, fact=fact, min_confidence=min_confidence)
            _count(result, entry, predicted, vocabulary | predicted)
            if any(issue.severity == "error" for issue in output.issues):
                result.failed += 1
    return result


def _analyse(
    analyzer: type[Analyzer], store: EvidenceStore, path: Path, parameters: dict[str, Any]
) -> AnalyzerOutput:
    with open(path, "rb") as source, store.open_writer() as writer:
        while chunk := source.read(1 << 20):
            writer.write(chunk)
        digests = writer.commit()
    with store.open_blob(digests.sha256) as blob:
        kind = filetype.sniff(blob.read(filetype.HEADER_BYTES))
    params = {**analyzer.parameters, **parameters}
    task = AnalysisTask(
        analyzer.name, digests.sha256, kind.family, kind.label, str(store.root), params
    )
    return run_analyzer(task)


def _count(
    result: Evaluation, entry: LabelledFile, predicted: set[str], labels: Iterable[str]
) -> None:
    result.files += 1
    if predicted == entry.expected:
        result.exact_matches += 1
    elif len(result.mistakes) < MAX_LISTED_MISTAKES:
        result.mistakes.append(
            {
                "file": entry.name,
                "expected": sorted(entry.expected),
                "predicted": sorted(predicted),
            }
        )
    for label in labels:
        figures = result.per_label.setdefault(label, LabelFigures())
        said, true = label in predicted, label in entry.expected
        if said and true:
            figures.true_positives += 1
        elif said:
            figures.false_positives += 1
        elif true:
            figures.false_negatives += 1
        else:
            figures.true_negatives += 1
    # A label first predicted on a later file was silently absent (a true negative) before.
    for figures in result.per_label.values():
        seen = (
            figures.true_positives
            + figures.false_positives
            + figures.false_negatives
            + figures.true_negatives
        )
        figures.true_negatives += result.files - seen


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
