"""What the analyzers found, in the review app: the case map's points, the object and text
filters of the queue, and an item page with its keyframes, text and objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.personas import make_person, seed_case, sign_in

pytestmark = pytest.mark.usefixtures("django_instance")

GPS_PHOTO = "exif-samples/jpg/gps/DSCN0010.jpg"  # Nikon COOLPIX P6000, 43.467 N 11.885 E


def _suggest(item: Any, tool: str, label: str, **data: Any) -> Any:
    from vigil.records.analysis.models import AnalysisRun, Suggestion

    run = AnalysisRun.objects.create(
        case=item.case, tool=tool, tool_version="1.0", started_by="tests", status="complete"
    )
    return Suggestion.objects.create(
        run=run,
        case=item.case,
        blob_id=item.blob_id,
        item=item,
        tool=tool,
        tool_version="1.0",
        label=label,
        confidence=0.8,
        data=data,
    )


def _filtered(case: Any, **filters: Any) -> list[int]:
    from vigil.web.review.queue import Filters, filtered

    return sorted(filtered(case, Filters(**filters)).values_list("pk", flat=True))


def _give_media(item: Any, media: dict[str, Any], thumbnails: int | None = None) -> None:
    from vigil.records.cases.models import Blob

    update: dict[str, Any] = {"media": media}
    if thumbnails is not None:
        update["thumbnails"] = thumbnails
    Blob.objects.filter(sha256=item.blob_id).update(**update)


def test_the_map_lists_a_photo_with_gps_for_a_member_and_is_404_for_anyone_else(
    case_name: str, shared_data: Path
) -> None:
    from PIL import Image

    from vigil.media.exif import read_exif
    from vigil.records.audit.models import AuditEntry

    with Image.open(shared_data / GPS_PHOTO) as photo:
        exif, _ = read_exif(photo)
    seeded = seed_case(case_name, statuses=("unknown", "unknown"), with_suggestion=False)
    located, unlocated = seeded.items
    _give_media(located, {"exif": exif})
    member = sign_in(make_person(f"map-{case_name}", ("reviewer",), cases=(seeded.case,)))
    outsider = sign_in(make_person(f"nomap-{case_name}", ("investigator",)))
    url = f"/cases/{seeded.case.pk}/map/points/"

    answer = member.get(url)
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
    points = answer.json()
    assert [f["properties"]["item"] for f in points["features"]] == [located.pk]
    feature = points["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert round(lat, 2) == 43.47 and round(lon, 2) == 11.89
    assert feature["properties"]["url"] == f"/items/{located.pk}/"
    assert feature["properties"]["name"] == located.name
    assert unlocated.pk not in {f["properties"]["item"] for f in points["features"]}
    assert AuditEntry.objects.filter(action="case.map_data", case_name=seeded.case.name).exists()

    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/cases/{seeded.case.pk}/map/").status_code == 404
    page = member.get(f"/cases/{seeded.case.pk}/map/").content.decode()
    assert "vigil/map.js" in page and "vendor/leaflet/leaflet.js" in page and "<script>" not in page


def test_the_objects_filter_finds_an_object_or_scene_that_nobody_rejected(case_name: str) -> None:
    from vigil.records.analysis.models import Decision

    seeded = seed_case(case_name, statuses=("unknown",) * 3, with_suggestion=False)
    car, indoors, rejected = seeded.items
    _suggest(car, "objects", "car", kind="object", box=[0, 0, 10, 10], class_id=2)
    _suggest(indoors, "objects", "scene: indoor", kind="scene", tag="indoor")
    wrong = _suggest(rejected, "objects", "car", kind="object", box=[0, 0, 5, 5], class_id=2)
    _suggest(rejected, "ocr", "car", kind="text_line")  # the word, not the object
    reviewer = make_person(f"rej-{case_name}", ("reviewer",), cases=(seeded.case,))
    Decision.objects.create(suggestion=wrong, verdict="rejected", decided_by=reviewer.user)

    assert _filtered(seeded.case, object_label="car") == [car.pk]
    assert _filtered(seeded.case, object_label="indoor") == [indoors.pk]
    assert _filtered(seeded.case, object_label="scene: indoor") == [indoors.pk]
    assert _filtered(seeded.case, object_label="dog") == []

    Decision.objects.create(suggestion=wrong, verdict="confirmed", decided_by=reviewer.user)
    assert _filtered(seeded.case, object_label="car") == [car.pk, rejected.pk]


def test_the_text_filter_searches_ocr_and_transcripts_in_any_case(case_name: str) -> None:
    seeded = seed_case(case_name, statuses=("unknown",) * 4, with_suggestion=False)
    sign, speech, other_words, objects_only = seeded.items
    _suggest(sign, "ocr", "HOTEL BELLAVISTA", kind="text_line", text="HOTEL BELLAVISTA")
    _suggest(speech, "speech_to_text", "meet me at the hotel at ten", kind="speech_segment")
    _suggest(other_words, "ocr", "PHARMACY", kind="text_line")
    _suggest(objects_only, "objects", "hotel", kind="object")  # no text tool said it

    assert _filtered(seeded.case, text_contains="Hotel") == [sign.pk, speech.pk]
    assert _filtered(seeded.case, text_contains="bellavista") == [sign.pk]
    assert _filtered(seeded.case, text_contains="casino") == []


def test_the_grid_applies_both_filters_from_the_query_and_keeps_them_in_its_links(
    case_name: str,
) -> None:
    seeded = seed_case(case_name, statuses=("unknown",) * 2, with_suggestion=False)
    boat, _ = seeded.items
    _suggest(boat, "objects", "boat", kind="object")
    _suggest(boat, "ocr", "Harbour master", kind="text_line")
    person = make_person(f"grid-{case_name}", ("reviewer",), cases=(seeded.case,))
    page = sign_in(person).get(f"/cases/{seeded.case.pk}/review/?object=boat&contains=harbour")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('class="tile ') == 1
    assert f"/items/{boat.pk}/?object=boat&amp;contains=harbour" in html
    assert '<option value="boat">' in html  # the filter offers the case's object labels


def test_the_existing_filters_read_what_the_analyzers_store(case_name: str) -> None:
    seeded = seed_case(case_name, statuses=("unknown",) * 3, with_suggestion=False)
    recognised, spoken, located = seeded.items
    _suggest(recognised, "face_recognition", "face", box=[1, 2, 3, 4])
    _suggest(spoken, "speech_to_text", "hello", kind="speech_segment")
    _give_media(located, {"exif": {"gps": {"lat": 51.5, "lon": -0.12}}})

    assert _filtered(seeded.case, has_faces=True) == [recognised.pk]
    assert _filtered(seeded.case, has_text=True) == [spoken.pk]
    assert _filtered(seeded.case, has_gps=True) == [located.pk]


def test_the_item_page_shows_keyframes_text_transcript_objects_and_place(case_name: str) -> None:
    from tests.web.personas import jpeg_bytes
    from vigil import config
    from vigil.store.evidence import EvidenceStore

    seeded = seed_case(case_name, statuses=("unknown",), with_suggestion=False)
    (video,) = seeded.items
    store = EvidenceStore(config.store_root(config.vigil_home()))
    for index in (1, 2):
        store.put_thumbnail(video.blob_id, index, jpeg_bytes(shade=index * 60))
    scenes = [
        {"number": 0, "frame": 0, "timestamp_s": 0.0, "score": 0.0},
        {"number": 1, "frame": 250, "timestamp_s": 10.0, "score": 41.5},
    ]
    place = {"name": "Arezzo", "admin1": "Tuscany", "country_code": "IT", "distance_km": 2.6}
    _give_media(
        video,
        {
            "video_scenes": {"scenes": scenes, "first_thumbnail": 1, "thumbnail_count": 2},
            "place": place,
        },
        thumbnails=3,
    )
    _suggest(video, "ocr", "EXIT", kind="text_line", text="EXIT")
    _suggest(video, "speech_to_text", "over here", kind="speech_segment", start_s=3.5)
    _suggest(video, "objects", "bicycle", kind="object")
    person = make_person(f"item-{case_name}", ("reviewer",), cases=(seeded.case,))
    client = sign_in(person)

    html = client.get(f"/items/{video.pk}/").content.decode()
    for index in (1, 2):
        assert f"/items/{video.pk}/thumbnails/{index}/" in html
    assert "Keyframe 2" in html and "at 10.0 s" in html
    assert html.count(f"/items/{video.pk}/thumbnails/1/") == 1  # a keyframe, not a thumbnail too
    assert "Near Arezzo, Tuscany (IT)" in html
    assert "<p>EXIT</p>" in html and "over here" in html and "bicycle" in html
    assert client.get(f"/items/{video.pk}/thumbnails/2/").status_code == 200


def test_an_item_page_without_keyframes_shows_none(case_name: str) -> None:
    seeded = seed_case(case_name, statuses=("unknown",), with_suggestion=False)
    person = make_person(f"plain-{case_name}", ("reviewer",), cases=(seeded.case,))
    html = sign_in(person).get(f"/items/{seeded.items[0].pk}/").content.decode()
    assert "Keyframe" not in html and f"/items/{seeded.items[0].pk}/thumbnails/0/" in html
