"""File type from magic bytes, never from the name; a name whose extension disagrees is flagged.

The table covers what triage acts on (images, video, archives) and the common document types
investigators meet. Unknown content is `application/octet-stream`, which is not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Family = Literal["image", "video", "audio", "archive", "document", "text", "other"]

HEADER_BYTES = 512


@dataclass(frozen=True, slots=True)
class FileType:
    label: str
    mime: str
    family: Family
    extensions: tuple[str, ...]


def _t(label: str, mime: str, family: Family, *extensions: str) -> FileType:
    return FileType(label, mime, family, extensions)


JPEG = _t("jpeg", "image/jpeg", "image", "jpg", "jpeg", "jpe", "jfif")
PNG = _t("png", "image/png", "image", "png")
GIF = _t("gif", "image/gif", "image", "gif")
WEBP = _t("webp", "image/webp", "image", "webp")
BMP = _t("bmp", "image/bmp", "image", "bmp", "dib")
TIFF = _t("tiff", "image/tiff", "image", "tif", "tiff", "dng", "nef", "cr2", "arw")
HEIC = _t("heic", "image/heic", "image", "heic", "heif", "hif")
AVIF = _t("avif", "image/avif", "image", "avif")
MP4 = _t("mp4", "video/mp4", "video", "mp4", "m4v", "mov", "3gp", "3g2", "qt")
QUICKTIME = _t("quicktime", "video/quicktime", "video", "mov", "qt", "mp4")
AVI = _t("avi", "video/x-msvideo", "video", "avi")
MATROSKA = _t("matroska", "video/x-matroska", "video", "mkv", "webm", "mka")
FLV = _t("flv", "video/x-flv", "video", "flv")
MPEG_TS = _t("mpeg-ts", "video/mp2t", "video", "ts", "mts", "m2ts")
MPEG_PS = _t("mpeg", "video/mpeg", "video", "mpg", "mpeg", "vob")
WAV = _t("wav", "audio/wav", "audio", "wav")
MP3 = _t("mp3", "audio/mpeg", "audio", "mp3")
OGG = _t("ogg", "audio/ogg", "audio", "ogg", "oga", "opus", "ogv")
FLAC = _t("flac", "audio/flac", "audio", "flac")
M4A = _t("m4a", "audio/mp4", "audio", "m4a", "aac")
ZIP = _t("zip", "application/zip", "archive", "zip", "jar", "apk", "docx", "xlsx", "pptx", "odt")
SEVEN_ZIP = _t("7z", "application/x-7z-compressed", "archive", "7z")
GZIP = _t("gzip", "application/gzip", "archive", "gz", "tgz")
BZIP2 = _t("bzip2", "application/x-bzip2", "archive", "bz2", "tbz2", "tbz")
XZ = _t("xz", "application/x-xz", "archive", "xz", "txz")
TAR = _t("tar", "application/x-tar", "archive", "tar")
RAR = _t("rar", "application/vnd.rar", "archive", "rar")
PDF = _t("pdf", "application/pdf", "document", "pdf")
SQLITE = _t("sqlite", "application/vnd.sqlite3", "document", "sqlite", "db", "sqlite3")
EWF = _t("ewf", "application/x-ewf", "archive", "e01", "ex01")
TEXT = _t("text", "text/plain", "text", "txt", "csv", "log", "json", "md", "xml", "html", "htm")
EMPTY = _t("empty", "application/x-empty", "other")
UNKNOWN = _t("unknown", "application/octet-stream", "other")

_ISO_BRANDS_HEIC = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_ISO_BRANDS_AVIF = {b"avif", b"avis"}
_ISO_BRANDS_QT = {b"qt  "}
_ISO_BRANDS_M4A = {b"M4A ", b"M4B "}

_PREFIXES: tuple[tuple[bytes, FileType], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"BM", BMP),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP),
    (b"\x1f\x8b", GZIP),
    (b"BZh", BZIP2),
    (b"\xfd7zXZ\x00", XZ),
    (b"Rar!\x1a\x07", RAR),
    (b"%PDF-", PDF),
    (b"SQLite format 3\x00", SQLITE),
    (b"EVF\x09\x0d\x0a\xff\x00", EWF),
    (b"\x1aE\xdf\xa3", MATROSKA),
    (b"FLV\x01", FLV),
    (b"\x00\x00\x01\xba", MPEG_PS),
    (b"fLaC", FLAC),
    (b"OggS", OGG),
    (b"ID3", MP3),
)


def sniff(header: bytes) -> FileType:
    """Identifies content from its first bytes (pass at least HEADER_BYTES; 512 for tar)."""
    if not header:
        return EMPTY
    for prefix, file_type in _PREFIXES:
        if header.startswith(prefix):
            if file_type is BMP and not _plausible_bmp(header):
                continue
            return file_type
    riff = _riff_type(header)
    if riff is not None:
        return riff
    iso = _iso_media_type(header)
    if iso is not None:
        return iso
    if len(header) >= 263 and header[257:262] == b"ustar":
        return TAR
    if header[:1] == b"\x47" and len(header) > 188 and header[188:189] == b"\x47":
        return MPEG_TS
    if header[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return MP3
    if _looks_like_text(header):
        return TEXT
    return UNKNOWN


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].lower()


def extension_disagrees(name: str, file_type: FileType) -> bool:
    """True when the name claims a type the content is not (e.g. report.pdf that is a JPEG).

    Content we cannot identify, and names without an extension, never count as disagreeing.
    """
    ext = extension_of(name)
    if not ext or file_type in (UNKNOWN, EMPTY, TEXT):
        return False
    if file_type is EWF:
        return not _EWF_SEGMENT.fullmatch(ext)
    return ext not in file_type.extensions


# EWF segments: .E01 ... .E99, then .EAA ... .ZZZ; .Ex01 ...; SMART's .s01 ...
_EWF_SEGMENT = re.compile(r"(e|s)(0[1-9]|[1-9][0-9]|[a-z]{2})|ex(0[1-9]|[1-9][0-9]|[a-z]{2})")


def _plausible_bmp(header: bytes) -> bool:
    # "BM" starts plenty of text; a BMP has a known DIB header size at offset 14.
    return len(header) >= 18 and int.from_bytes(header[14:18], "little") in (
        12,
        40,
        52,
        56,
        108,
        124,
    )


def _riff_type(header: bytes) -> FileType | None:
    if not header.startswith(b"RIFF") or len(header) < 12:
        return None
    return {b"WEBP": WEBP, b"AVI ": AVI, b"WAVE": WAV}.get(header[8:12])


def _iso_media_type(header: bytes) -> FileType | None:
    if len(header) < 12 or header[4:8] != b"ftyp":
        return None
    brand = header[8:12]
    if brand in _ISO_BRANDS_HEIC:
        return HEIC
    if brand in _ISO_BRANDS_AVIF:
        return AVIF
    if brand in _ISO_BRANDS_QT:
        return QUICKTIME
    if brand in _ISO_BRANDS_M4A:
        return M4A
    return MP4


def _looks_like_text(header: bytes) -> bool:
    sample = header.lstrip(b"\xef\xbb\xbf")
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(sample) - 3:
            return False
    return True
