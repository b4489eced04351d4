"""The chat views' routes. Each name needs a rule in vigil.web.access.ROUTE_RULES."""

from __future__ import annotations

from django.urls import URLPattern, path

import vigil.web.converters  # noqa: F401 - registers <id:...>
from vigil.web.chats.views import export, overview, reader

urlpatterns: list[URLPattern] = [
    path("cases/<id:case_id>/chats/", reader.chat_list, name="chat_list"),
    path("cases/<id:case_id>/chats/timeline/", overview.chat_timeline, name="chat_timeline"),
    path("cases/<id:case_id>/chats/graph/", overview.chat_graph, name="chat_graph"),
    path("cases/<id:case_id>/chats/entities/", overview.chat_entities, name="chat_entities"),
    path(
        "cases/<id:case_id>/chats/entities/<id:entity_id>/",
        overview.chat_entity,
        name="chat_entity",
    ),
    path(
        "cases/<id:case_id>/chats/<id:conversation_id>/",
        reader.chat_conversation,
        name="chat_conversation",
    ),
    path(
        "cases/<id:case_id>/chats/<id:conversation_id>/report/",
        export.chat_report,
        name="chat_report",
    ),
]
