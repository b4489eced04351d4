"""The worker: a pure function from a task to a result. It reads evidence and writes the store,
never the database, so it runs the same inline, in a process pool or on a Dask worker."""

from __future__ import annotations

import os
from pathlib import Path

from vigil.analyzers.base import Analyzer
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.file_type.analyzer import FileTypeAnalyzer
from vigil.analyzers.hashes.analyzer import HashesAnalyzer
from vigil.analyzers.registry import default_registry
from vigil.core import filetype
from vigil.core.hashing import Digests
from vigil.core.issues import Issue
from vigil.pipeline.tasks import ContentFacts, IngestResult, IngestTask, WorkerConfig
from vigil.sources.archives import ARCHIVE_FORMATS, expand_archive
from vigil.sources.images import (
    HEAD_BYTES,
    ewf_segment_number,
    expand_image,
    image_candidate,
    image_path,
)
from vigil.store.evidence import EvidenceStore

READ_CHUNK = 1 << 20
_NOATIME = getattr(os, "O_NOATIME", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def ingest(task: IngestTask, config: WorkerConfig) -> IngestResult:
    """Hashes and stores the content (one read pass), then analyses it by type."""
    store = EvidenceStore(Path(config.store_root))
    issues: list[Issue] = []
    data: bytes | None = None
    if task.path is not None:
        try:
            digests, data = _store_source_file(task.path, store, config, issues)
        except OutsideEvidence:
            issues.append(
                Issue.error(
                    "outside_evidence_root",
                    "The file opened is not inside the seizure (a link or a folder swapped "
                    "during triage, or the instance's own files): nothing was read.",
                )
            )
            return IngestResult(task.key, None, None, issues=issues)
        except OSError as error:
            issues.append(
                Issue.error("unreadable_file", f"The file could not be read: {error.strerror}.")
            )
            return IngestResult(task.key, None, None, issues=issues)
    else:
        assert task.sha256 is not None
        digests = None  # already known to the coordinator
    sha256 = task.sha256 or (digests.sha256 if digests else "")
    header = _header(store, sha256, data)
    file_type = filetype.sniff(header)
    result = IngestResult(
        task.key,
        digests,
        analyze_content(store, sha256, file_type, data, config, task.name),
        extension_mismatch=filetype.extension_disagrees(task.name, file_type),
        issues=issues,
    )
    if result.extension_mismatch:
        ext = filetype.extension_of(task.name)
        result.issues.append(
            Issue.warning(
                "extension_mismatch",
                f"The name ends in .{ext} but the content is {file_type.label}.",
            )
        )
    if file_type.label in ARCHIVE_FORMATS:
        if task.depth < config.limits.max_depth:
            result.expansion = expand_archive(
                store.blob_path(sha256),
                file_type.label,
                store,
                config.limits,
                display_name=task.name,
            )
        else:
            result.issues.append(_max_depth(config, "An archive"))
    elif file_type.label in _MAYBE_IMAGE:
        _read_image(task, store, sha256, config, result)
    return result


# What a media image sniffs as: EWF has a signature of its own, a raw image none.
_MAYBE_IMAGE = frozenset({"ewf", "unknown"})


def _read_image(
    task: IngestTask, store: EvidenceStore, sha256: str, config: WorkerConfig, result: IngestResult
) -> None:
    """Lists the files of a disk or file-system image as members, like an archive's."""
    with store.open_blob(sha256) as blob:
        head = blob.read(HEAD_BYTES)
    if not image_candidate(head):
        return
    segment = ewf_segment_number(head)
    if segment is not None and segment > 1:
        result.issues.append(
            Issue.warning(
                "ewf_segment",
                f"Segment {segment} of a split EWF image: its content is read with the first "
                "segment (.E01), where the image's files are listed.",
            )
        )
        return
    if task.depth >= config.limits.max_depth:
        result.issues.append(_max_depth(config, "A media image"))
        return
    policy = config.evidence

    def admitted(segment_path: str) -> bool:
        return policy is None or policy.permits(os.path.realpath(segment_path))

    original = task.path if task.depth == 0 else None
    with image_path(store.blob_path(sha256), original, head, store.scratch_path, admitted) as path:
        expansion = expand_image(path, head, store, config.limits, display_name=task.name)
    if expansion is not None:
        result.expansion = expansion


def _max_depth(config: WorkerConfig, what: str) -> Issue:
    return Issue.warning(
        "max_depth_reached",
        f"{what} nested deeper than {config.limits.max_depth} levels: stored and hashed, its "
        "members not listed (raise --max-depth to expand).",
    )


def analyze_content(
    store: EvidenceStore,
    sha256: str,
    file_type: filetype.FileType,
    data: bytes | None,
    config: WorkerConfig,
    name: str = "",
) -> ContentFacts:
    """Runs the registry's triage steps for the content's family (image or video metadata, and
    those of installed plugins)."""
    facts = ContentFacts(file_type.label, file_type.mime, file_type.family)
    steps = [_step_record(step, {}) for step in _READ_PASS_STEPS]
    for step in _triage_steps(file_type.family):
        parameters = _step_parameters(step, config)
        ctx = AnalyzerContext(
            sha256=sha256,
            family=file_type.family,
            type_label=file_type.label,
            name=name,
            data=data,
            path=store.blob_path(sha256),
            parameters=parameters,
        )
        try:
            step().analyze(ctx)
        except Exception as error:  # a bug in one step must not lose the item
            ctx.error("internal_error", f"{step.name} failed: {type(error).__name__}: {error}")
        _merge(facts, ctx.output, store, sha256)
        steps.append(_step_record(step, parameters))
    facts.media["steps"] = steps
    return facts


_READ_PASS_STEPS: tuple[type[Analyzer], ...] = (HashesAnalyzer, FileTypeAnalyzer)
_COLUMNS = ("width", "height", "duration_s", "pdq", "pdq_quality")


def _triage_steps(family: str) -> list[type[Analyzer]]:
    # Only non-AI steps run in triage (the registry refuses an AI one); every other tool runs
    # under governance. The read pass has already hashed and typed the content.
    steps = default_registry().triage_steps(family)
    return [step for step in steps if step not in _READ_PASS_STEPS]


def _step_parameters(step: type[Analyzer], config: WorkerConfig) -> dict[str, object]:
    overrides: dict[str, object] = {
        "max_pixels": config.max_pixels,
        "thumb_size": config.thumb_size,
        "keyframes": config.video_keyframes,
    }
    return {key: overrides.get(key, value) for key, value in step.parameters.items()}


def _step_record(step: type[Analyzer], parameters: dict[str, object]) -> dict[str, object]:
    return {"tool": step.name, "version": step.version, "parameters": parameters}


def _merge(facts: ContentFacts, output: AnalyzerOutput, store: EvidenceStore, sha256: str) -> None:
    for key, value in output.facts.items():
        if key in _COLUMNS:
            setattr(facts, key, value)
        else:
            facts.media[key] = value
    for index, jpeg in sorted(output.derived.items()):
        store.put_thumbnail(sha256, index, jpeg)
    facts.thumbnails = max(facts.thumbnails, len(output.derived))
    facts.issues.extend(output.issues)


class OutsideEvidence(Exception):
    """The descriptor opened does not lie inside the admitted seizure."""


def _store_source_file(
    path: str, store: EvidenceStore, config: WorkerConfig, issues: list[Issue]
) -> tuple[Digests, bytes | None]:
    """Copies a source file into the store while hashing it; keeps small files in memory so
    image decoding needs no second read. The original is opened read-only, without following
    a link and without touching its access time where the OS allows."""
    fd = _open_read_only(path)
    policy, source_root = config.evidence, config.source_root
    if policy and source_root and not policy.permits_open(fd, path, source_root):
        os.close(fd)
        raise OutsideEvidence(path)
    with os.fdopen(fd, "rb", buffering=0) as original:
        before = os.fstat(original.fileno())
        keep = before.st_size <= config.in_memory_limit
        chunks: list[bytes] = []
        with store.open_writer() as writer:
            while chunk := original.read(READ_CHUNK):
                writer.write(chunk)
                if keep:
                    chunks.append(chunk)
            digests = writer.commit()
        after = os.fstat(original.fileno())
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or (
        digests.size != before.st_size
    ):
        issues.append(
            Issue.warning(
                "changed_during_read",
                "The file changed while it was being read; the hashes describe the bytes read.",
            )
        )
    return digests, (b"".join(chunks) if keep else None)


def _open_read_only(path: str) -> int:
    flags = os.O_RDONLY | _NOFOLLOW
    try:
        return os.open(path, flags | _NOATIME)
    except PermissionError:
        # O_NOATIME needs ownership of the file; fall back to a plain read-only open.
        return os.open(path, flags)


def _header(store: EvidenceStore, sha256: str, data: bytes | None) -> bytes:
    if data is not None:
        return data[: filetype.HEADER_BYTES]
    with store.open_blob(sha256) as blob:
        return blob.read(filetype.HEADER_BYTES)
