"""The web app's routes. Each name needs a rule in vigil.web.access.ROUTE_RULES."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

import vigil.web.converters  # noqa: F401 - registers <id:...>
from vigil.web.review.views import assets, cases, grid, item, map, me, media, signin

urlpatterns: list[URLPattern] = [
    path("", cases.case_list, name="case_list"),
    path("signin/", signin.sign_in, name="login"),
    path("signin/enrol/", signin.enrol, name="otp_enrol"),
    path("signin/code/", signin.verify, name="otp_verify"),
    path("signout/", signin.sign_out, name="logout"),
    path("language/", signin.switch_language, name="set_language"),
    # No segment may start with a dot: no "..", no hidden files.
    re_path(r"^static/(?P<path>(?:[\w-][\w.-]*/)*[\w-][\w.-]*)$", assets.asset, name="asset"),
    path("me/", me.preferences, name="preferences"),
    path("me/break/", me.exposure_reset, name="exposure_reset"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<id:case_id>/", cases.case_dashboard, name="case_dashboard"),
    path("cases/<id:case_id>/sources/", cases.case_sources, name="case_sources"),
    path("cases/<id:case_id>/members/", cases.case_members, name="case_members"),
    path("cases/<id:case_id>/map/", map.case_map, name="case_map"),
    path("cases/<id:case_id>/map/points/", map.case_map_data, name="case_map_data"),
    path("cases/<id:case_id>/review/", grid.review_grid, name="review_grid"),
    path("cases/<id:case_id>/review/tiles/", grid.review_tiles, name="review_tiles"),
    path("cases/<id:case_id>/review/categorise/", grid.review_categorise, name="review_categorise"),
    path("cases/<id:case_id>/review/tag/", grid.review_tag, name="review_tag"),
    path("items/<id:item_id>/", item.item_detail, name="item_detail"),
    path("items/<id:item_id>/details/", item.item_update, name="item_update"),
    path("items/<id:item_id>/notes/", item.item_note, name="item_note"),
    path(
        "items/<id:item_id>/suggestions/<id:suggestion_id>/decision/",
        item.item_decide,
        name="item_decide",
    ),
    path(
        "items/<id:item_id>/thumbnails/<id:index>/", media.media_thumbnail, name="media_thumbnail"
    ),
    path("items/<id:item_id>/content/", media.media_original, name="media_original"),
]
