from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from tests.builders import images as build
from vigil.core.issues import Issue
from vigil.media.exif import read_exif
from vigil.media.image import analyze_image

KNOWN_CODES = {
    "exif_malformed",
    "exif_gps_invalid",
    "naive_time",
    "image_corrupt",
    "image_unsupported",
    "image_frames_unreadable",
}


def exif_of(data: bytes) -> tuple[dict[str, object], list[Issue]]:
    # Opening a JPEG already parses its EXIF (for the resolution) and may warn; read_exif
    # parses again and reports those problems itself.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        img = Image.open(io.BytesIO(data))
    with img:
        return read_exif(img)


def codes(issues: list[Issue]) -> list[str]:
    return [issue.code for issue in issues]


def dms(degrees: int, minutes: int, seconds: float) -> tuple[IFDRational, ...]:
    return (
        IFDRational(degrees, 1),
        IFDRational(minutes, 1),
        IFDRational(round(seconds * 100), 100),
    )


def test_a_photo_gives_camera_serial_software_capture_time_with_offset_and_gps() -> None:
    facts, issues = exif_of(build.photo_jpeg(exif=build.photo_exif(orientation=1)))

    assert facts == {
        "make": build.MAKE,
        "model": build.MODEL,
        "software": build.SOFTWARE,
        "orientation": 1,
        "body_serial": build.BODY_SERIAL,
        "datetime_original": "2024-05-06T07:08:09+02:00",
        "gps": {
            "lat": pytest.approx(48 + 51 / 60 + 29.6 / 3600),
            "lon": pytest.approx(2 + 17 / 60 + 40.2 / 3600),
            "alt": 35.0,
            "timestamp": "2024-05-06T12:34:56Z",
        },
    }
    assert issues == []
    json.dumps(facts)


def test_a_capture_time_without_offset_is_naive_and_flagged() -> None:
    exif = Image.Exif()
    exif.get_ifd(build.EXIF_IFD)[0x9003] = "2019:12:31 23:59:58"

    facts, issues = exif_of(build.photo_jpeg(64, 48, exif=exif))

    assert facts["datetime_original"] == "2019-12-31T23:59:58"
    assert codes(issues) == ["naive_time"]
    assert issues[0].severity == "warning"


@pytest.mark.parametrize(
    "raw", ["0000:00:00 00:00:00", "    :  :     :  :  ", "2019:13:45 25:00:00"]
)
def test_an_impossible_capture_time_is_dropped_as_malformed(raw: str) -> None:
    exif = Image.Exif()
    exif.get_ifd(build.EXIF_IFD)[0x9003] = raw

    facts, issues = exif_of(build.photo_jpeg(64, 48, exif=exif))

    assert "datetime_original" not in facts
    assert codes(issues) == ["exif_malformed"]


def test_a_negative_offset_is_kept_in_the_iso_time() -> None:
    exif = Image.Exif()
    exif.get_ifd(build.EXIF_IFD).update({0x9003: "2020:02:29 10:00:00", 0x9011: "-05:30"})

    facts, issues = exif_of(build.photo_jpeg(64, 48, exif=exif))

    assert facts["datetime_original"] == "2020-02-29T10:00:00-05:30" and issues == []


def test_south_and_west_give_negative_coordinates_and_ref_1_is_below_sea_level() -> None:
    facts, issues = exif_of(
        build.gps_jpeg(
            {
                1: "S",
                2: dms(33, 51, 54.5),
                3: "W",
                4: dms(70, 40, 12.25),
                5: b"\x01",
                6: IFDRational(4255, 10),
            }
        )
    )

    assert facts["gps"] == {
        "lat": pytest.approx(-(33 + 51 / 60 + 54.5 / 3600)),
        "lon": pytest.approx(-(70 + 40 / 60 + 12.25 / 3600)),
        "alt": -425.5,
        "timestamp": None,
    }
    assert issues == []


@pytest.mark.parametrize(
    ("gps", "reason"),
    [
        (
            {
                1: "N",
                2: (IFDRational(1, 0), IFDRational(0, 1), IFDRational(0, 1)),
                3: "E",
                4: dms(1, 2, 3),
            },
            "zero denominator",
        ),
        ({1: "N", 2: dms(95, 0, 0), 3: "E", 4: dms(1, 2, 3)}, "beyond 90"),
        ({1: "N", 2: dms(45, 0, 0), 3: "E", 4: dms(181, 0, 0)}, "beyond 180"),
        ({1: "N", 2: dms(45, 75, 0), 3: "E", 4: dms(1, 2, 3)}, "minutes/seconds"),
        ({1: "X", 2: dms(45, 0, 0), 3: "E", 4: dms(1, 2, 3)}, "reference"),
        ({1: "N", 2: dms(45, 0, 0)}, "missing"),
    ],
    ids=["zero-denominator", "latitude-95", "longitude-181", "minutes-75", "bad-ref", "no-lon"],
)
def test_impossible_gps_values_are_rejected_with_a_warning(
    gps: dict[int, object], reason: str
) -> None:
    facts, issues = exif_of(build.gps_jpeg(gps))

    assert "gps" not in facts
    assert codes(issues) == ["exif_gps_invalid"]
    assert reason in issues[0].message and issues[0].severity == "warning"


def test_an_invalid_altitude_keeps_the_position() -> None:
    facts, issues = exif_of(
        build.gps_jpeg({1: "N", 2: dms(10, 0, 0), 3: "E", 4: dms(20, 0, 0), 6: IFDRational(5, 0)})
    )

    assert facts["gps"] == {"lat": 10.0, "lon": 20.0, "alt": None, "timestamp": None}
    assert codes(issues) == ["exif_gps_invalid"]


def test_an_empty_gps_ifd_is_no_position_and_no_warning() -> None:
    facts, issues = exif_of(build.gps_jpeg({0: b"\x02\x02\x00\x00"}))

    assert "gps" not in facts and issues == []


def test_text_is_cut_at_nul_trimmed_cleaned_and_capped() -> None:
    exif = Image.Exif()
    exif[0x010F] = "  Canon\x00\x00garbage after the terminator"
    exif[0x0110] = "X" * 5000
    exif[0x0131] = "Tab\tand\x07bell  "
    exif.get_ifd(build.EXIF_IFD)[0xA431] = "   "

    facts, _ = exif_of(build.photo_jpeg(64, 48, exif=exif))

    assert facts["make"] == "Canon"
    assert isinstance(facts["model"], str) and len(facts["model"]) == 256
    assert facts["software"] == "Tabandbell"
    assert "body_serial" not in facts


def test_utf8_written_into_ascii_fields_is_decoded() -> None:
    exif = Image.Exif()
    exif[0x0131] = "Éditeur Photo".encode()

    facts, _ = exif_of(build.photo_jpeg(64, 48, exif=exif))

    assert facts["software"] == "Éditeur Photo"


@pytest.mark.parametrize("kind", ["past_end", "absurd_count", "wrong_types", "bad_header"])
def test_malformed_exif_is_a_warning_never_an_exception(kind: str) -> None:
    facts, issues = exif_of(build.malformed_exif_jpeg(kind))

    assert "exif_malformed" in codes(issues)
    assert all(issue.severity == "warning" for issue in issues)
    json.dumps(facts)


def test_values_of_the_wrong_type_are_dropped_and_named() -> None:
    facts, issues = exif_of(build.malformed_exif_jpeg("wrong_types"))

    assert facts == {}
    by_code = {issue.code: issue.message for issue in issues}
    assert "make: expected text, got int" in by_code["exif_malformed"]
    assert "DateTimeOriginal: expected text" in by_code["exif_malformed"]
    assert "'abc' is not a number" in by_code["exif_gps_invalid"]


def test_an_ifd_that_points_back_at_itself_is_read_once() -> None:
    facts, issues = exif_of(build.malformed_exif_jpeg("loop"))

    assert facts == {"make": "Abc"}
    assert all(issue.severity == "warning" for issue in issues)


def test_an_image_without_exif_gives_no_facts() -> None:
    assert exif_of(build.photo_jpeg(64, 48)) == ({}, [])


# Real camera files from ExifRead's sample set (shared/data/external/exif-samples).


def test_the_gps_samples_give_their_documented_position(shared_data: Path) -> None:
    # SOURCE.md: GPSLatitude [43, 28, 1407/500] N, GPSLongitude [11, 53, 645599999/100000000] E
    analysis = analyze_image(shared_data / "exif-samples/jpg/gps/DSCN0010.jpg")

    assert analysis.exif["make"] == "NIKON" and analysis.exif["model"] == "COOLPIX P6000"
    assert analysis.exif["datetime_original"] == "2008-10-22T16:28:39"
    gps = analysis.exif["gps"]
    assert isinstance(gps, dict)
    assert gps["lat"] == pytest.approx(43 + 28 / 60 + (1407 / 500) / 3600, abs=1e-6)
    assert gps["lon"] == pytest.approx(11 + 53 / 60 + (645599999 / 100000000) / 3600, abs=1e-6)
    assert gps["alt"] is None  # GPSAltitudeRef without GPSAltitude
    assert gps["timestamp"] == "2008-10-23T14:27:07.240Z"
    assert codes(analysis.issues) == ["naive_time"]


def test_a_gps_pointer_to_an_empty_ifd_gives_no_position(shared_data: Path) -> None:
    analysis = analyze_image(shared_data / "exif-samples/jpg/tests/45-gps_ifd.jpg")

    assert "gps" not in analysis.exif
    assert analysis.exif["model"] == "Gran Turismo 5"


def test_a_corrupted_exif_ifd_is_reported_and_the_image_still_analysed(shared_data: Path) -> None:
    analysis = analyze_image(shared_data / "exif-samples/jpg/tests/30-type_error.jpg")

    assert codes(analysis.issues) == ["exif_malformed"]
    assert "Exif IFD pointer" in analysis.issues[0].message
    assert analysis.pdq is not None and analysis.thumbnail_jpeg is not None


def test_the_orientation_samples_all_give_the_same_upright_thumbnail(shared_data: Path) -> None:
    thumbnails = {}
    for orientation in (1, 3, 6, 8):
        analysis = analyze_image(
            shared_data / f"exif-samples/jpg/orientation/landscape_{orientation}.jpg"
        )
        assert analysis.exif["orientation"] == orientation
        assert analysis.thumbnail_jpeg is not None
        thumbnails[orientation] = np.asarray(Image.open(io.BytesIO(analysis.thumbnail_jpeg)))

    def difference(a: np.ndarray, b: np.ndarray) -> float:
        # the four files differ in overall brightness; compare the picture, not the exposure
        a, b = a.astype(float), b.astype(float)
        return float(np.abs((a - a.mean()) - (b - b.mean())).mean())

    upright = thumbnails[1]
    assert upright.shape[1] > upright.shape[0]  # landscape
    for orientation, pixels in thumbnails.items():
        assert pixels.shape == upright.shape, orientation
        assert difference(pixels, upright) < 10, orientation
        assert difference(pixels[::-1, ::-1], upright) > 30, orientation  # turned wrong: far off


def test_every_exif_sample_is_analysed_without_crashing_and_sanely(shared_data: Path) -> None:
    samples = sorted((shared_data / "exif-samples").rglob("*.jpg"))
    assert len(samples) >= 19

    for sample in samples:
        analysis = analyze_image(sample)
        name = sample.name
        assert {issue.code for issue in analysis.issues} <= KNOWN_CODES, name
        json.dumps(analysis.exif)
        if any(issue.severity == "error" for issue in analysis.issues):
            continue
        assert analysis.width and analysis.height and analysis.format == "JPEG", name
        assert analysis.pdq is not None and len(analysis.pdq) == 64, name
        assert analysis.thumbnail_jpeg is not None, name
        taken = analysis.exif.get("datetime_original")
        assert taken is None or (isinstance(taken, str) and taken[:2] in ("19", "20")), name
        make = analysis.exif.get("make")
        assert make is None or (isinstance(make, str) and 0 < len(make) <= 256), name
