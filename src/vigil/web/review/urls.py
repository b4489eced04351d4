"""The web app's routes. Each name needs a rule in vigil.web.access.ROUTE_RULES."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

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
    path("cases/<int:case_id>/", cases.case_dashboard, name="case_dashboard"),
    path("cases/<int:case_id>/sources/", cases.case_sources, name="case_sources"),
    path("cases/<int:case_id>/members/", cases.case_members, name="case_members"),
    path("cases/<int:case_id>/map/", map.case_map, name="case_map"),
    path("cases/<int:case_id>/map/points/", map.case_map_data, name="case_map_data"),
    path("cases/<int:case_id>/review/", grid.review_grid, name="review_grid"),
    path("cases/<int:case_id>/review/tiles/", grid.review_tiles, name="review_tiles"),
    path(
        "cases/<int:case_id>/review/categorise/", grid.review_categorise, name="review_categorise"
    ),
    path("cases/<int:case_id>/review/tag/", grid.review_tag, name="review_tag"),
    path("items/<int:item_id>/", item.item_detail, name="item_detail"),
    path("items/<int:item_id>/details/", item.item_update, name="item_update"),
    path("items/<int:item_id>/notes/", item.item_note, name="item_note"),
    path(
        "items/<int:item_id>/suggestions/<int:suggestion_id>/decision/",
        item.item_decide,
        name="item_decide",
    ),
    path(
        "items/<int:item_id>/thumbnails/<int:index>/", media.media_thumbnail, name="media_thumbnail"
    ),
    path("items/<int:item_id>/content/", media.media_original, name="media_original"),
]
