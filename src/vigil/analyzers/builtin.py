"""Vigil's own analyzers, registered explicitly (third-party ones come through entry points)."""

from __future__ import annotations

from vigil.analyzers.base import Analyzer
from vigil.analyzers.face_detection.analyzer import FaceDetectionAnalyzer
from vigil.analyzers.file_type.analyzer import FileTypeAnalyzer
from vigil.analyzers.hashes.analyzer import HashesAnalyzer
from vigil.analyzers.image_metadata.analyzer import ImageMetadataAnalyzer
from vigil.analyzers.video_metadata.analyzer import VideoMetadataAnalyzer

BUILTIN_ANALYZERS: tuple[type[Analyzer], ...] = (
    HashesAnalyzer,
    FileTypeAnalyzer,
    ImageMetadataAnalyzer,
    VideoMetadataAnalyzer,
    FaceDetectionAnalyzer,
)
