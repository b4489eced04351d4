"""The catalogue's routes. Each name has a rule in vigil.web.access.ROUTE_RULES; who is inside
the hub is checked by each view (vigil.web.community.vetting)."""

from __future__ import annotations

from django.urls import URLPattern, path

from vigil.web.hub import views

urlpatterns: list[URLPattern] = [
    path("", views.catalogue_page, name="hub_catalogue"),
    path("compare/", views.compare_page, name="hub_compare"),
    path("tools/<slug:tool>/", views.tool_page, name="hub_tool"),
    path("tools/<slug:tool>/edit/", views.tool_edit, name="hub_tool_edit"),
    path("runs-here/<slug:analyzer>/", views.analyzer_page, name="hub_analyzer"),
    path("catalogue/import/", views.catalogue_import, name="hub_import"),
    path("catalogue/export/", views.catalogue_export, name="hub_export"),
    path("stats/", views.stats_page, name="hub_stats"),
]
