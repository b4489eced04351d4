"""Geolocation: a photo's GPS position to the nearest place, offline; place clues in text; the
case map's GeoJSON."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.analyzers.geolocation.analyzer import GeolocationAnalyzer
from vigil.analyzers.geolocation.clues import text_clues
from vigil.analyzers.geolocation.gazetteer import default_gazetteer

GPS_PHOTOS = ("jpg/gps/DSCN0010.jpg", "jpg/gps/DSCN0042.jpg")  # COOLPIX P6000, Tuscany


def locate(path: Path) -> AnalyzerOutput:
    ctx = AnalyzerContext(sha256="0" * 64, family="image", type_label="jpeg", path=path)
    GeolocationAnalyzer().analyze(ctx)
    return ctx.output


@pytest.mark.parametrize("name", GPS_PHOTOS)
def test_a_gps_photo_is_placed_in_its_town_region_and_country(shared_data: Path, name: str) -> None:
    output = locate(shared_data / "exif-samples" / name)
    place = output.facts["place"]
    # SOURCE.md: DSCN0010 is at 43° 28' N, 11° 53' E (WGS-84), i.e. near Arezzo, Italy.
    assert place["country_code"] == "IT"
    assert (place["name"], place["admin1"]) == ("Arezzo", "Tuscany")
    assert 0 < place["distance_km"] < 5
    assert place["from"] == "exif_gps" and "GeoNames" in place["source"]
    assert output.issues == []


@pytest.mark.parametrize(
    "name", ["jpg/Canon_40D.jpg", "jpg/tests/45-gps_ifd.jpg", "jpg/xmp/no_exif.jpg"]
)
def test_a_photo_without_a_position_gets_no_place(shared_data: Path, name: str) -> None:
    output = locate(shared_data / "exif-samples" / name)
    assert "place" not in output.facts
    assert output.issues == []


def test_a_position_of_zero_zero_is_flagged_not_placed(tmp_path: Path) -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)})
    photo = tmp_path / "null-island.jpg"
    Image.new("RGB", (8, 8)).save(photo, "JPEG", exif=exif)
    output = locate(photo)
    assert "place" not in output.facts
    assert [issue.code for issue in output.issues] == ["gps_null_island"]


def test_the_nearest_place_far_from_any_town_says_how_far_it_is() -> None:
    place = default_gazetteer().nearest(0.0, -30.0)  # mid-Atlantic
    assert place.distance_km > 500
    with pytest.raises(ValueError, match="not a position"):
        default_gazetteer().nearest(91.0, 0.0)


def test_a_quoted_place_name_with_commas_is_read_whole() -> None:
    place = default_gazetteer().nearest(-33.46069, -70.58024)
    assert place.name == "Villa Presidente Frei, Nunoa, Santiago, Chile"
    assert place.country_code == "CL"


def test_text_gives_the_countries_of_its_phone_numbers_with_the_numbers_as_evidence() -> None:
    text = (
        "Ring +44 20 7946 0958 or +44 20 7946 0123 in London, or Madrid at +34 912 345 678. "
        "Local 0207 946 0958 tells nothing without its country."
    )
    clues = text_clues(text)
    phones = [clue for clue in clues if clue["kind"] == "phone_country"]
    assert [(c["country_code"], c["count"]) for c in phones] == [("GB", 2), ("ES", 1)]
    assert phones[1]["evidence"] == ["+34912345678"]
    assert {"kind": "language", "language": "en", "tool": "lingua"} in clues


def test_a_text_file_in_utf16_is_read_for_clues() -> None:
    note = "Llámame al +34 912 345 678 cuando llegues a la estación, por favor."
    ctx = AnalyzerContext(
        sha256="0" * 64, family="text", type_label="text", data=note.encode("utf-16")
    )
    GeolocationAnalyzer().analyze(ctx)
    clues = ctx.output.facts["location_clues"]
    assert clues[0]["country_code"] == "ES"
    assert clues[-1]["language"] == "es"


def test_a_case_map_lists_each_located_item_as_a_geojson_point(
    django_instance: Path, shared_data: Path, tmp_path: Path, case_name: str
) -> None:
    from vigil.pipeline.service import triage
    from vigil.records.cases.models import Case
    from vigil.web.review.case_map import located_items

    seizure = tmp_path / "seizure"
    seizure.mkdir()
    for name in (*GPS_PHOTOS, "jpg/Canon_40D.jpg"):
        shutil.copy(shared_data / "exif-samples" / name, seizure)
    plain = io.BytesIO()
    Image.new("RGB", (8, 8)).save(plain, "PNG")
    (seizure / "plain.png").write_bytes(plain.getvalue())
    triage(case_name, seizure, executor="inline")

    collection = located_items(Case.objects.get(name=case_name))
    assert collection["type"] == "FeatureCollection"
    assert collection["properties"]["located"] == 2
    by_path = {Path(f["properties"]["path"]).name: f for f in collection["features"]}
    assert set(by_path) == {"DSCN0010.jpg", "DSCN0042.jpg"}
    point = by_path["DSCN0010.jpg"]
    lon, lat = point["geometry"]["coordinates"]
    assert 43.4 < lat < 43.5 and 11.8 < lon < 11.9
    assert point["properties"]["place"]["country_code"] == "IT"
