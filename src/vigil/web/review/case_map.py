"""The data of a case's offline map: every item whose content has a GPS position, as a GeoJSON
FeatureCollection for the vendored Leaflet map (static/vigil/vendor/leaflet, country outlines in
static/vigil/vendor/world; no tile server).

A read model of the review pages (an ORM query, so not in the analyzer package): it reads what
triage stored (the EXIF position and the `place` fact) and never opens evidence. Contents
triaged before the geolocation step existed are placed at read time from the same table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vigil.analyzers.geolocation import gazetteer

if TYPE_CHECKING:
    from vigil.records.cases.models import Case

MAX_FEATURES = 50_000  # a map of more points is unreadable; the count says what was left out


def located_items(case: Case, *, limit: int = MAX_FEATURES) -> dict[str, Any]:
    from vigil.records.cases.models import Item

    rows = (
        Item.objects.filter(case=case, blob__media__exif__has_key="gps")
        .order_by("id")
        .values_list("id", "path", "blob_id", "blob__media")
    )
    total = rows.count()
    features = []
    for item_id, path, sha256, media in rows[:limit]:
        gps = media["exif"]["gps"]
        place = media.get("place") or _place_now(gps)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [gps["lon"], gps["lat"]]},
                "properties": {
                    "item": item_id,
                    "path": path,
                    "sha256": sha256,
                    "timestamp": gps.get("timestamp"),
                    "place": place,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"case": case.name, "located": total, "shown": len(features)},
    }


def _place_now(gps: dict[str, Any]) -> dict[str, Any] | None:
    if not gazetteer.available() or (gps["lat"] == 0 and gps["lon"] == 0):
        return None
    place = gazetteer.default_gazetteer().nearest(float(gps["lat"]), float(gps["lon"]))
    return {**place.as_fact(), "from": "exif_gps"}
