"""URL routes: the REST API now; the review app (a later issue) adds its views here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from vigil.web.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
]
