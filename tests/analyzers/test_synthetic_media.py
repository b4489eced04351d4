"""Synthetic-media indicators: what C2PA manifests, XMP, generator metadata and the Stable
Diffusion watermark say, each with its evidence, and that their absence proves nothing."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

from vigil.analyzers.context import AnalyzerContext
from vigil.analyzers.synthetic_media.analyzer import SyntheticMediaAnalyzer
from vigil.analyzers.synthetic_media.embedded_metadata import MAX_TEXT, png_text_chunks
from vigil.analyzers.synthetic_media.indicators import ABSENCE_PROVES_NOTHING

WATERMARKS = Path(__file__).parent / "synthetic_media_data"
TYPES = {".jpg": "jpeg", ".png": "png"}


def indicators_of(data: bytes, type_label: str) -> dict[str, Any]:
    ctx = AnalyzerContext(sha256="0" * 64, family="image", type_label=type_label, data=data)
    SyntheticMediaAnalyzer().analyze(ctx)
    assert not [issue for issue in ctx.output.issues if issue.severity == "error"]
    fact: dict[str, Any] = ctx.output.facts["synthetic_media"]
    assert fact["statement"] == ABSENCE_PROVES_NOTHING
    return fact


def indicators_of_file(path: Path) -> dict[str, Any]:
    return indicators_of(path.read_bytes(), TYPES[path.suffix])


def by_kind(fact: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {indicator["kind"]: indicator for indicator in fact["indicators"]}


@pytest.fixture
def c2pa_fixtures(shared_data: Path) -> Path:
    return shared_data / "c2pa-rs" / "sdk" / "tests" / "fixtures"


@pytest.fixture
def generators(shared_data: Path) -> Path:
    return shared_data / "sd-parsers" / "tests" / "resources"


def test_a_c2pa_manifest_declaring_algorithmic_media_is_an_ai_indicator(
    c2pa_fixtures: Path,
) -> None:
    fact = indicators_of_file(c2pa_fixtures / "C.jpg")
    c2pa = by_kind(fact)["c2pa"]
    assert fact["ai_indicated"] is True
    assert c2pa["evidence"]["validation_state"] == "Valid"
    assert c2pa["evidence"]["ai_source_types"] == ["algorithmicMedia"]
    assert c2pa["evidence"]["trust_checked"] is False
    (created,) = [a for a in c2pa["evidence"]["actions"] if a["action"] == "c2pa.created"]
    assert created["digital_source_type"].endswith("/algorithmicMedia")


def test_firefly_output_is_declared_as_a_composite_with_generative_ai(
    c2pa_fixtures: Path,
) -> None:
    c2pa = by_kind(indicators_of_file(c2pa_fixtures / "ocsp.jpg"))["c2pa"]
    evidence = c2pa["evidence"]
    assert evidence["claim_generator"].startswith("Adobe_Photoshop/26.9.0")
    assert evidence["ai_source_types"] == [
        "compositeWithTrainedAlgorithmicMedia",
        "trainedAlgorithmicMedia",
    ]
    assert evidence["validation_state"] == "Valid"
    assert evidence["manifests"] == 2


def test_a_valid_manifest_without_ai_actions_indicates_no_ai(c2pa_fixtures: Path) -> None:
    fact = indicators_of_file(c2pa_fixtures / "CA.jpg")
    assert by_kind(fact)["c2pa"]["evidence"]["validation_state"] == "Valid"
    assert fact["ai_indicated"] is False


@pytest.mark.parametrize(
    ("name", "failure"),
    [("XCA.jpg", "assertion.dataHash.mismatch"), ("E-sig-CA.jpg", "claimSignature.mismatch")],
)
def test_a_tampered_picture_or_manifest_fails_validation(
    c2pa_fixtures: Path, name: str, failure: str
) -> None:
    c2pa = by_kind(indicators_of_file(c2pa_fixtures / name))["c2pa"]
    assert c2pa["evidence"]["validation_state"] == "Invalid"
    assert failure in c2pa["evidence"]["validation_status"]
    assert "does not validate" in c2pa["finding"]


def test_a_picture_without_a_manifest_has_no_indicator_and_says_absence_proves_nothing(
    c2pa_fixtures: Path,
) -> None:
    fact = indicators_of_file(c2pa_fixtures / "no_manifest.jpg")
    assert fact["indicators"] == [] and fact["ai_indicated"] is False
    assert "proves nothing" in fact["statement"]


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("parsers/AUTOMATIC1111/automatic1111_cropped.png", "AUTOMATIC1111 / Forge / Fooocus"),
        ("parsers/ComfyUI/img2img_cropped.png", "ComfyUI"),
        ("parsers/NovelAI/novelai1_cropped.png", "NovelAI"),
        ("parsers/InvokeAI/invokeai_imeta1.png", "InvokeAI"),
        ("parsers/Fooocus/fooocus1_cropped.png", "Fooocus"),
        ("bad_images/text_after_idat.png", "AUTOMATIC1111 / Forge / Fooocus"),
    ],
)
def test_generator_parameters_in_png_text_are_found_with_an_excerpt(
    generators: Path, name: str, tool: str
) -> None:
    fact = indicators_of_file(generators / name)
    found = by_kind(fact)["generator_parameters"]
    assert fact["ai_indicated"] is True
    assert tool in found["evidence"]["tools"]
    assert all(found["evidence"]["excerpt"].values())


def test_automatic1111_parameters_are_quoted_as_the_tool_wrote_them(generators: Path) -> None:
    path = generators / "parsers" / "AUTOMATIC1111" / "automatic1111_cropped.png"
    excerpt = by_kind(indicators_of_file(path))["generator_parameters"]["evidence"]["excerpt"]
    assert excerpt["parameters"].startswith("photo of a duck\nNegative prompt: monochrome\n")
    assert "Steps: 15, Sampler: UniPC" in excerpt["parameters"]


def test_novelai_names_itself_in_the_software_text(generators: Path) -> None:
    fact = indicators_of_file(generators / "parsers" / "NovelAI" / "novelai1_cropped.png")
    assert by_kind(fact)["exif_software"]["evidence"] == {"software": "NovelAI"}


def test_automatic1111_parameters_in_a_jpeg_user_comment_are_found(generators: Path) -> None:
    path = generators / "parsers" / "AUTOMATIC1111" / "automatic1111_cropped.jpg"
    indicator = by_kind(indicators_of_file(path))["exif_software"]
    assert "Steps: " in indicator["evidence"]["user_comment"]
    assert "photo of a duck" in indicator["evidence"]["user_comment"]


@pytest.mark.parametrize(
    "name",
    ["bad_images/empty_file.png", "bad_images/empty_image.png", "bad_images/empty_image.jpg"],
)
def test_empty_and_metadata_free_files_give_no_indicator(generators: Path, name: str) -> None:
    path = generators / name
    assert indicators_of(path.read_bytes(), TYPES[path.suffix])["indicators"] == []


def test_an_xmp_digital_source_type_of_generative_ai_is_an_indicator() -> None:
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        '22-rdf-syntax-ns#"><rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/'
        '2008-02-29/" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/'
        'digitalsourcetype/trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta>'
    )
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info)
    fact = indicators_of(out.getvalue(), "png")
    indicator = by_kind(fact)["xmp_digital_source_type"]
    assert indicator["evidence"]["digital_source_type"] == [
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    ]
    assert indicator["indicates_ai"] is True and "trained model" in indicator["finding"]


def test_a_camera_source_type_is_reported_but_indicates_no_ai() -> None:
    data = (
        b"<rdf:Description><Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/"
        b"digitalsourcetype/digitalCapture</Iptc4xmpExt:DigitalSourceType>"
    )
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    fact = indicators_of(out.getvalue() + data, "jpeg")
    assert by_kind(fact)["xmp_digital_source_type"]["indicates_ai"] is False
    assert fact["ai_indicated"] is False


def test_the_sdxl_watermark_is_read_from_a_png_the_reference_encoder_marked() -> None:
    fact = indicators_of_file(WATERMARKS / "sdxl_watermark_dwtdct.png")
    mark = by_kind(fact)["watermark"]["evidence"]
    assert mark["mark"] == "Stable Diffusion XL"
    assert (mark["matched_bits"], mark["total_bits"]) == (48, 48)
    assert mark["chance_probability"] < 1e-9


def test_the_stable_diffusion_1_watermark_is_read_too() -> None:
    fact = indicators_of_file(WATERMARKS / "sdv1_watermark_dwtdct.png")
    assert by_kind(fact)["watermark"]["evidence"]["mark"] == "Stable Diffusion 1.x"


def test_an_unmarked_picture_and_a_recompressed_marked_one_carry_no_watermark() -> None:
    assert indicators_of_file(WATERMARKS / "unmarked.png")["indicators"] == []
    recompressed = io.BytesIO()
    Image.open(WATERMARKS / "sdxl_watermark_dwtdct.png").save(recompressed, "PNG")
    assert by_kind(indicators_of(recompressed.getvalue(), "png"))["watermark"]
    as_jpeg = io.BytesIO()
    Image.open(WATERMARKS / "sdxl_watermark_dwtdct.png").save(as_jpeg, "JPEG", quality=85)
    assert indicators_of(as_jpeg.getvalue(), "jpeg")["indicators"] == []


def test_a_compressed_text_bomb_is_read_only_up_to_the_limit() -> None:
    bomb = zlib.compress(b"A" * (50 * MAX_TEXT), 9)
    body = b"parameters\x00\x00" + bomb
    chunk = struct.pack(">I", len(body)) + b"zTXt" + body + struct.pack(">I", 0)
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    data = png.getvalue()
    data = data[:33] + chunk + data[33:]  # after IHDR
    texts = png_text_chunks(data)
    assert len(texts["parameters"]) == MAX_TEXT
