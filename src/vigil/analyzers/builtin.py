"""Vigil's own analyzers, registered explicitly (third-party ones come through entry points)."""

from __future__ import annotations

from vigil.analyzers.base import Analyzer
from vigil.analyzers.face_detection.analyzer import FaceDetectionAnalyzer
from vigil.analyzers.face_recognition.analyzer import FaceRecognitionAnalyzer
from vigil.analyzers.file_type.analyzer import FileTypeAnalyzer
from vigil.analyzers.geolocation.analyzer import GeolocationAnalyzer
from vigil.analyzers.hashes.analyzer import HashesAnalyzer
from vigil.analyzers.image_metadata.analyzer import ImageMetadataAnalyzer
from vigil.analyzers.objects.analyzer import ObjectDetectionAnalyzer
from vigil.analyzers.ocr.analyzer import OcrAnalyzer
from vigil.analyzers.speech.analyzer import SpeechToTextAnalyzer
from vigil.analyzers.synthetic_media.analyzer import SyntheticMediaAnalyzer
from vigil.analyzers.video_metadata.analyzer import VideoMetadataAnalyzer
from vigil.analyzers.video_scenes.analyzer import VideoScenesAnalyzer

BUILTIN_ANALYZERS: tuple[type[Analyzer], ...] = (
    HashesAnalyzer,
    FileTypeAnalyzer,
    ImageMetadataAnalyzer,
    GeolocationAnalyzer,
    SyntheticMediaAnalyzer,
    VideoMetadataAnalyzer,
    FaceDetectionAnalyzer,
    FaceRecognitionAnalyzer,
    VideoScenesAnalyzer,
    OcrAnalyzer,
    SpeechToTextAnalyzer,
    ObjectDetectionAnalyzer,
)
