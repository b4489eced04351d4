"""The case map: located items on country outlines, drawn offline in the browser.

The page is an empty frame and a script (the CSP allows no inline script); the points come from
a JSON view with the same rule as every case view: case members who may view, 404 for anyone
else. Each look is audited with what was shown (counts, never positions or paths).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from vigil.audit.log import record
from vigil.web.access import Action, case_for
from vigil.web.review.case_map import located_items

PURPOSE = "case map"


@require_GET
def case_map(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for(request.user, case_id, Action.VIEW)
    record("case.map", actor=request.user.get_username(), case_name=case.name, purpose=PURPOSE)
    return render(request, "review/map.html", {"case": case})


@require_GET
def case_map_data(request: HttpRequest, case_id: int) -> JsonResponse:
    case = case_for(request.user, case_id, Action.VIEW)
    collection = located_items(case)
    for feature in collection["features"]:
        _add_links(feature["properties"])
    summary = collection["properties"]
    record(
        "case.map_data",
        actor=request.user.get_username(),
        case_name=case.name,
        purpose=PURPOSE,
        details={"located": summary["located"], "shown": summary["shown"]},
    )
    response = JsonResponse(collection)
    response["Cache-Control"] = "private, no-store"  # positions of evidence: never cached
    return response


def _add_links(properties: dict[str, Any]) -> None:
    """What the popup shows: the item's file name and a link to its page (no media)."""
    properties["name"] = PurePosixPath(properties["path"] or "").name
    properties["url"] = reverse("item_detail", kwargs={"item_id": properties["item"]})
