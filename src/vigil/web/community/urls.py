"""The community's routes. Each name has a rule in vigil.web.access.ROUTE_RULES; who is inside
the hub is checked by each view (vigil.web.community.vetting)."""

from __future__ import annotations

from django.urls import URLPattern, path

import vigil.web.converters  # noqa: F401 - registers <id:...>
from vigil.web.community.views import forum, membership

urlpatterns: list[URLPattern] = [
    path("join/", membership.join, name="community_join"),
    path("register/", membership.register, name="community_register"),
    path("community/", forum.forum_page, name="community_forum"),
    path("community/threads/new/", forum.thread_new, name="community_thread_new"),
    path("community/threads/<id:thread_id>/", forum.thread_page, name="community_thread"),
    path(
        "community/threads/<id:thread_id>/moderate/",
        forum.thread_moderate,
        name="community_thread_moderate",
    ),
    path("community/report/", forum.report_post, name="community_report"),
    path("community/moderation/", forum.moderation_page, name="community_moderation"),
    path("community/knowledge/", forum.articles_page, name="community_articles"),
    path("community/knowledge/new/", forum.article_new, name="community_article_new"),
    path("community/knowledge/<id:article_id>/", forum.article_page, name="community_article"),
    path("community/members/", membership.directory_page, name="community_directory"),
    path("community/me/", membership.profile_page, name="community_profile"),
    path("community/requests/", membership.requests_page, name="community_requests"),
    path("community/domains/", membership.domains_page, name="community_domains"),
]
