from __future__ import annotations

import io
import json
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.builders import images as build
from tests.conftest import SHARED_DATA
from vigil.media.image import ImageAnalysis, analyze_image

THREATEXCHANGE = SHARED_DATA / "threatexchange"
RecordProperty = Callable[[str, object], None]  # pytest's record_property fixture
PDQ_TOLERANCE = 16  # Meta's own test tolerance (pdq/python/pdqhashing/tests/pdq_test.py)


def codes(analysis: ImageAnalysis) -> list[str]:
    return [issue.code for issue in analysis.issues]


def error_codes(analysis: ImageAnalysis) -> list[str]:
    return [issue.code for issue in analysis.issues if issue.severity == "error"]


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def open_thumbnail(analysis: ImageAnalysis) -> Image.Image:
    assert analysis.thumbnail_jpeg is not None
    return Image.open(io.BytesIO(analysis.thumbnail_jpeg))


def test_a_photo_yields_its_size_format_exif_pdq_and_a_thumbnail() -> None:
    analysis = analyze_image(build.photo_jpeg(640, 480, exif=build.photo_exif()))

    assert (analysis.width, analysis.height) == (640, 480)
    assert (analysis.format, analysis.mode, analysis.frames) == ("JPEG", "RGB", 1)
    assert analysis.exif["make"] == build.MAKE
    assert analysis.pdq is not None and len(analysis.pdq) == 64
    int(analysis.pdq, 16)
    assert analysis.pdq_quality is not None and analysis.pdq_quality >= 50
    assert open_thumbnail(analysis).size == (256, 192)
    assert analysis.issues == []


def test_the_thumbnail_fits_the_size_asked_for_and_never_grows() -> None:
    large = analyze_image(build.photo_jpeg(900, 300), thumb_size=128)
    small = analyze_image(build.photo_jpeg(40, 30), thumb_size=128)

    assert open_thumbnail(large).size == (128, 43)
    assert open_thumbnail(small).size == (40, 30)


def test_the_thumbnail_carries_no_metadata_from_the_original() -> None:
    source = build.encode(
        build.photo_pixels(400, 300),
        "JPEG",
        exif=build.photo_exif().tobytes(),
        comment=b"seized from suspect laptop",
        icc_profile=b"\x00" * 128,
    )
    thumbnail = open_thumbnail(analyze_image(source))

    assert thumbnail.mode == "RGB"
    assert thumbnail.format == "JPEG"
    assert not thumbnail.getexif()
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(thumbnail.info)


def test_the_thumbnail_is_upright_while_the_pdq_hash_is_of_the_stored_pixels() -> None:
    rotated = analyze_image(build.oriented_jpeg(orientation=6))
    as_stored = analyze_image(build.oriented_jpeg(orientation=1))

    thumbnail = np.asarray(open_thumbnail(rotated)).astype(int)
    assert thumbnail.shape[:2] == (120, 60)  # stored 120x60 landscape, shown portrait
    assert thumbnail[:50, :, 0].mean() > 200 > thumbnail[:50, :, 2].mean()  # red on top
    assert thumbnail[-50:, :, 2].mean() > 200 > thumbnail[-50:, :, 0].mean()  # blue below
    assert rotated.exif["orientation"] == 6
    assert rotated.pdq == as_stored.pdq


def test_a_truncated_jpeg_is_reported_as_corrupt_and_keeps_its_dimensions_and_exif() -> None:
    analysis = analyze_image(build.truncated_jpeg(320, 240, exif=build.photo_exif()))

    assert error_codes(analysis) == ["image_corrupt"]
    assert "truncated" in analysis.issues[-1].message
    assert (analysis.width, analysis.height) == (320, 240)
    assert analysis.exif["body_serial"] == build.BODY_SERIAL
    assert analysis.pdq is None and analysis.thumbnail_jpeg is None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "HEIF"])
def test_exif_is_read_from_every_format_that_carries_it(fmt: str) -> None:
    data = build.encode(build.photo_pixels(200, 100), fmt, exif=build.photo_exif().tobytes())

    analysis = analyze_image(data)

    assert analysis.exif["body_serial"] == build.BODY_SERIAL
    assert analysis.exif["datetime_original"] == "2024-05-06T07:08:09+02:00"
    assert analysis.issues == []


def test_exif_that_follows_the_pixels_of_a_png_is_read() -> None:
    analysis = analyze_image(build.png_with_exif_after_pixels())

    assert analysis.exif["model"] == build.MODEL and analysis.issues == []


@pytest.mark.parametrize(
    ("side", "max_pixels"),
    [(100_000, 178_956_970), (40, 1_000), (40, 1_599)],
    ids=["over-twice-the-limit", "over-the-limit", "one-pixel-over"],
)
def test_a_png_declaring_too_many_pixels_is_a_decompression_bomb(
    side: int, max_pixels: int
) -> None:
    analysis = analyze_image(build.png_bomb(side, side), max_pixels=max_pixels)

    assert error_codes(analysis) == ["decompression_bomb"]
    assert analysis.pdq is None and analysis.thumbnail_jpeg is None


def test_an_image_at_the_pixel_limit_is_analysed() -> None:
    analysis = analyze_image(build.photo_jpeg(40, 40), max_pixels=1_600)

    assert analysis.issues == [] and analysis.pdq is not None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"plain text, not an image\n",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04" + bytes(60),
    ],
    ids=["empty", "text", "pdf", "zip"],
)
def test_content_that_is_not_a_supported_image_is_unsupported(content: bytes) -> None:
    assert error_codes(analyze_image(content)) == ["image_unsupported"]


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n" + bytes(40), b"GIF89a" + bytes(40), b"\xff\xd8\xff\xe0" + bytes(40)],
    ids=["png", "gif", "jpeg"],
)
def test_content_that_only_starts_like_an_image_is_corrupt(content: bytes) -> None:
    assert error_codes(analyze_image(content)) == ["image_corrupt"]


@pytest.mark.parametrize("kind", ["past_end", "loop", "absurd_count", "wrong_types", "bad_header"])
def test_malformed_exif_leaves_the_pixels_analysed(kind: str) -> None:
    analysis = analyze_image(build.malformed_exif_jpeg(kind))

    assert error_codes(analysis) == []
    assert analysis.pdq is not None and analysis.thumbnail_jpeg is not None
    assert (analysis.width, analysis.height) == (64, 48)
    json.dumps(analysis.exif)


def test_transparent_pixels_are_flattened_on_white() -> None:
    palette = Image.new("P", (60, 40), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    ImageDraw.Draw(palette).rectangle((30, 0, 59, 39), fill=1)
    palette.info["transparency"] = 0
    sources = {
        "P": build.encode(palette, "PNG"),
        "LA": build.encode(Image.new("LA", (60, 40), (0, 0)), "PNG"),
        "RGBA": build.encode(Image.new("RGBA", (60, 40), (0, 0, 0, 0)), "PNG"),
    }
    for mode, data in sources.items():
        analysis = analyze_image(data)
        pixels = np.asarray(open_thumbnail(analysis)).astype(int)
        assert analysis.mode == mode
        assert pixels[:, :25].min() >= 245, mode  # transparent black became white
    red_half = np.asarray(open_thumbnail(analyze_image(sources["P"])))[:, 35:].astype(int)
    assert red_half[..., 0].mean() > 240 and red_half[..., 1].mean() < 15


@pytest.mark.parametrize(
    ("image", "expected_grey"),
    [
        (Image.new("I;16", (50, 40), 32896), 128),  # 16-bit mid-grey
        (Image.new("I", (50, 40), 65535), 255),
        (Image.new("F", (50, 40), 0.5), 128),
        (Image.new("1", (50, 40), 1), 255),
        (Image.new("L", (50, 40), 77), 77),
    ],
    ids=["I;16", "I", "F", "1", "L"],
)
def test_deep_and_monochrome_images_are_scaled_to_8_bit_rgb(
    image: Image.Image, expected_grey: int
) -> None:
    fmt = "TIFF" if image.mode in ("I", "F") else "PNG"
    analysis = analyze_image(build.encode(image, fmt))
    pixels = np.asarray(open_thumbnail(analysis)).astype(int)

    assert analysis.issues == []
    assert abs(pixels.mean() - expected_grey) <= 2


def test_a_cmyk_jpeg_hashes_like_its_rgb_original() -> None:
    rgb = build.photo_pixels(320, 240)
    cmyk = analyze_image(build.encode(rgb.convert("CMYK"), "JPEG", quality=95))
    plain = analyze_image(build.encode(rgb, "JPEG", quality=95))

    assert cmyk.mode == "CMYK" and cmyk.issues == []
    assert cmyk.pdq is not None and plain.pdq is not None
    assert hamming(cmyk.pdq, plain.pdq) <= 16


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_an_animation_is_analysed_on_its_first_frame_and_its_frames_counted(fmt: str) -> None:
    frames = [build.photo_pixels(160, 120, seed=seed) for seed in (0, 2, 4)]
    animation = build.encode(frames[0], fmt, save_all=True, append_images=frames[1:])
    still = analyze_image(build.encode(frames[0], "PNG"))

    analysis = analyze_image(animation)

    assert analysis.frames == 3
    assert analysis.pdq is not None and still.pdq is not None
    assert hamming(analysis.pdq, still.pdq) <= 16


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP", "BMP", "TIFF", "HEIF"])
def test_every_supported_format_gives_the_same_hash_as_the_jpeg(fmt: str) -> None:
    pixels = build.photo_pixels(320, 240)
    reference = analyze_image(build.encode(pixels, "JPEG", quality=95))
    analysis = analyze_image(build.encode(pixels, fmt))

    assert analysis.format == fmt and analysis.issues == []
    assert analysis.pdq is not None and reference.pdq is not None
    assert hamming(analysis.pdq, reference.pdq) <= 16


def test_a_camera_mpo_is_analysed_on_its_first_picture() -> None:
    first, second = build.photo_pixels(800, 600), build.photo_pixels(800, 600, seed=3)
    mpo = build.encode(first, "MPO", save_all=True, append_images=[second])

    analysis = analyze_image(mpo)

    assert (analysis.format, analysis.frames) == ("MPO", 2)
    assert analysis.pdq == analyze_image(build.encode(first, "JPEG")).pdq


def test_a_heic_carries_its_exif_and_is_decoded_upright() -> None:
    data = build.encode(build.photo_pixels(300, 200), "HEIF", exif=build.photo_exif(6).tobytes())
    analysis = analyze_image(data)

    assert analysis.format == "HEIF" and analysis.issues == []
    assert analysis.exif["model"] == build.MODEL
    # libheif applies the rotation while decoding and resets the tag, so it is not applied twice
    assert (analysis.width, analysis.height) == (200, 300)
    assert open_thumbnail(analysis).size == (171, 256)


def test_a_stored_copy_on_disk_gives_the_same_result_as_its_bytes(tmp_path: Path) -> None:
    data = build.photo_jpeg(500, 400, exif=build.photo_exif())
    path = tmp_path / "evidence.bin"
    path.write_bytes(data)

    assert analyze_image(path) == analyze_image(data)


def test_a_missing_stored_copy_is_an_error_not_an_exception(tmp_path: Path) -> None:
    assert error_codes(analyze_image(tmp_path / "gone.jpg")) == ["unreadable_file"]


@pytest.mark.parametrize("size", [(1, 1), (2, 700), (700, 3)])
def test_tiny_and_extreme_aspect_images_are_hashed(size: tuple[int, int]) -> None:
    analysis = analyze_image(build.encode(build.photo_pixels(*size), "PNG"))

    assert analysis.issues == [] and analysis.pdq is not None
    assert max(open_thumbnail(analysis).size) <= 256


def test_hostile_exif_leaves_no_stray_warnings() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for kind in ("past_end", "loop", "absurd_count", "wrong_types", "bad_header"):
            analyze_image(build.malformed_exif_jpeg(kind))
        analyze_image(build.png_bomb(40, 40), max_pixels=1_000)

    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"])
def test_randomly_damaged_images_are_reported_never_raised(fmt: str) -> None:
    pixels = build.photo_pixels(96, 64)
    params = {"exif": build.photo_exif(orientation=3).tobytes()} if fmt != "BMP" else {}
    original = build.encode(pixels, fmt, **params)
    rng = np.random.default_rng(20240506)
    for _ in range(60):
        damaged = bytearray(original)
        for offset in rng.integers(0, len(damaged), size=int(rng.integers(1, 8))):
            damaged[offset] = int(rng.integers(0, 256))
        cut = int(rng.integers(len(damaged) // 2, len(damaged) + 1))
        analysis = analyze_image(bytes(damaged[:cut]))
        json.dumps(analysis.exif)
        assert all(issue.code for issue in analysis.issues)
        assert analysis.pdq is None or len(analysis.pdq) == 64


def test_the_result_pickles_for_the_process_pool() -> None:
    import pickle

    analysis = analyze_image(build.truncated_jpeg())
    assert pickle.loads(pickle.dumps(analysis)) == analysis


# Known answers: Meta's reference hashes (ThreatExchange) for images stored under shared/.


def _reference_hashes() -> list[tuple[str, str, str]]:
    """(test set, stored image path, expected hex) for every reference image held here."""
    expected_file = THREATEXCHANGE / "EXPECTED.json"
    if not expected_file.is_file():
        return [("missing", "EXPECTED.json", "")]
    expected = json.loads(expected_file.read_text())
    cases = []
    for test_set in ("pdq_image_hashes_python_test", "pdq_image_hashes_wasm_test"):
        for image, entry in expected[test_set]["hashes"].items():
            for stored in entry.get("stored_as", [image]):
                cases.append((test_set.split("_")[3], stored, entry["pdq_hex"]))
    return cases


REFERENCE_HASHES = _reference_hashes()


@pytest.mark.parametrize(
    ("test_set", "image", "expected"),
    REFERENCE_HASHES,
    ids=[f"{test_set}-{Path(image).name}" for test_set, image, _ in REFERENCE_HASHES],
)
def test_pdq_of_the_reduced_image_matches_metas_reference_hash(
    shared_data: Path,
    test_set: str,
    image: str,
    expected: str,
    record_property: RecordProperty,
) -> None:
    analysis = analyze_image((shared_data / "threatexchange" / image).read_bytes())

    assert analysis.pdq is not None
    distance = hamming(analysis.pdq, expected)
    record_property("pdq_distance", distance)
    print(f"{test_set} {image}: distance {distance} (quality {analysis.pdq_quality})")
    assert distance <= PDQ_TOLERANCE


def test_pdq_at_full_resolution_matches_metas_reference_hashes_too(
    shared_data: Path, record_property: RecordProperty
) -> None:
    """Hashing without draft or resize: slower, and no closer (Meta's hashers shrink too)."""
    rows = []
    for test_set, image, expected in REFERENCE_HASHES:
        data = (shared_data / "threatexchange" / image).read_bytes()
        reduced, full = analyze_image(data), analyze_image(data, pdq_side=None)
        assert reduced.pdq is not None and full.pdq is not None
        rows.append((test_set, image, hamming(reduced.pdq, expected), hamming(full.pdq, expected)))
    for row in rows:
        print("{} {}: reduced {} full {}".format(*row))
    worst_reduced, worst_full = max(r[2] for r in rows), max(r[3] for r in rows)
    print(f"max distance: reduced {worst_reduced}, full resolution {worst_full}")
    record_property("max_pdq_distance_reduced", worst_reduced)
    record_property("max_pdq_distance_full", worst_full)
    assert worst_full <= PDQ_TOLERANCE


def test_a_truncated_jpeg_is_corrupt_even_after_a_library_made_pillow_lenient() -> None:
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does
    try:
        result = analyze_image(build.truncated_jpeg())
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    assert "image_corrupt" in [issue.code for issue in result.issues]
