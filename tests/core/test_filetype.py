import io

import pytest
from PIL import Image

from vigil.core import filetype


def _image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "label"),
    [
        ("JPEG", "jpeg"),
        ("PNG", "png"),
        ("GIF", "gif"),
        ("WEBP", "webp"),
        ("BMP", "bmp"),
        ("TIFF", "tiff"),
    ],
)
def test_images_are_typed_by_their_magic_bytes(fmt: str, label: str) -> None:
    assert filetype.sniff(_image_bytes(fmt)).label == label


@pytest.mark.parametrize(
    ("header", "label"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"BZh91AY", "bzip2"),
        (b"\xfd7zXZ\x00\x00", "xz"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "heic"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "quicktime"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "avi"),
        (b"%PDF-1.7\n", "pdf"),
        (b"hello, world\n", "text"),
        (b"", "empty"),
        (b"\x00\x01\x02\x03\xff\xfe", "unknown"),
    ],
)
def test_other_content_is_typed_by_its_magic_bytes(header: bytes, label: str) -> None:
    assert filetype.sniff(header).label == label


def test_a_tar_is_recognised_by_its_ustar_marker() -> None:
    header = bytearray(512)
    header[257:262] = b"ustar"
    assert filetype.sniff(bytes(header)).label == "tar"


def test_text_starting_with_bm_is_not_a_bitmap() -> None:
    assert filetype.sniff(b"BMW service history, 2019-2024\n").label == "text"


def test_a_jpeg_named_pdf_disagrees_with_its_extension() -> None:
    jpeg = filetype.sniff(_image_bytes("JPEG"))
    assert filetype.extension_disagrees("Documents/report.pdf", jpeg)
    assert not filetype.extension_disagrees("DCIM/IMG_0001.JPG", jpeg)
    assert not filetype.extension_disagrees("no-extension", jpeg)


def test_unknown_content_never_disagrees_with_its_name() -> None:
    assert not filetype.extension_disagrees("data.bin", filetype.UNKNOWN)
