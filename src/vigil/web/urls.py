"""URL routes: the REST API and the review app. Every route needs an access rule
(vigil.web.access): one without answers 403."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from vigil.web.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("", include("vigil.web.review.urls")),
    path("", include("vigil.web.chats.urls")),
    path("hub/", include("vigil.web.hub.urls")),
    path("hub/", include("vigil.web.community.urls")),
    path("hub/training/", include("vigil.web.training.urls")),
]
