"""The worker: a pure function from a task to a result. It reads evidence and writes the store,
never the database, so it runs the same inline, in a process pool or on a Dask worker."""

from __future__ import annotations

import os
from pathlib import Path

from vigil.core import filetype
from vigil.core.hashing import Digests
from vigil.core.issues import Issue
from vigil.media.image import analyze_image
from vigil.media.video import analyze_video
from vigil.pipeline.tasks import ContentFacts, IngestResult, IngestTask, WorkerConfig
from vigil.sources.archives import ARCHIVE_FORMATS, expand_archive
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
        analyze_content(store, sha256, file_type, data, config),
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
            result.issues.append(
                Issue.warning(
                    "max_depth_reached",
                    f"An archive nested deeper than {config.limits.max_depth} levels: "
                    "stored and hashed, its members not listed (raise --max-depth to expand).",
                )
            )
    return result


def analyze_content(
    store: EvidenceStore,
    sha256: str,
    file_type: filetype.FileType,
    data: bytes | None,
    config: WorkerConfig,
) -> ContentFacts:
    facts = ContentFacts(file_type.label, file_type.mime, file_type.family)
    if file_type.family == "image":
        _add_image_facts(
            facts, data if data is not None else store.blob_path(sha256), store, sha256, config
        )
    elif file_type.family == "video":
        _add_video_facts(facts, store.blob_path(sha256), store, sha256, config)
    return facts


def _add_image_facts(
    facts: ContentFacts,
    content: bytes | Path,
    store: EvidenceStore,
    sha256: str,
    config: WorkerConfig,
) -> None:
    image = analyze_image(content, max_pixels=config.max_pixels, thumb_size=config.thumb_size)
    facts.width, facts.height = image.width, image.height
    facts.pdq, facts.pdq_quality = image.pdq, image.pdq_quality
    facts.media = {"format": image.format, "mode": image.mode, "frames": image.frames}
    if image.exif:
        facts.media["exif"] = image.exif
    facts.issues.extend(image.issues)
    if image.thumbnail_jpeg:
        store.put_thumbnail(sha256, 0, image.thumbnail_jpeg)
        facts.thumbnails = 1


def _add_video_facts(
    facts: ContentFacts, path: Path, store: EvidenceStore, sha256: str, config: WorkerConfig
) -> None:
    video = analyze_video(path, keyframes=config.video_keyframes, thumb_size=config.thumb_size)
    facts.width, facts.height, facts.duration_s = video.width, video.height, video.duration_s
    facts.media = {
        "codec": video.codec,
        "container": video.container,
        "fps": video.fps,
        "has_audio": video.has_audio,
        "keyframe_times": video.keyframe_times,
    }
    facts.issues.extend(video.issues)
    for index, jpeg in enumerate(video.keyframe_thumbnails):
        store.put_thumbnail(sha256, index, jpeg)
    facts.thumbnails = len(video.keyframe_thumbnails)


def _store_source_file(
    path: str, store: EvidenceStore, config: WorkerConfig, issues: list[Issue]
) -> tuple[Digests, bytes | None]:
    """Copies a source file into the store while hashing it; keeps small files in memory so
    image decoding needs no second read. The original is opened read-only, without following
    a link and without touching its access time where the OS allows."""
    fd = _open_read_only(path)
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
