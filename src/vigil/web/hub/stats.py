"""The hub admin's figures: members by country, tools by capability and by approval here,
course completions, community activity. Counts only; drawn as bars by the template."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vigil.hub.catalogue.database import visible_tools
from vigil.records.community.models import Article, HubMember, Post, Report, Thread
from vigil.records.hub.models import Review
from vigil.records.training.models import Certificate, Course
from vigil.web.hub.builtin import builtin_tools
from vigil.web.hub.labels import CATEGORY_LABELS, label
from vigil.web.review.charts import Bar, bars
from vigil.web.training.services import text


@dataclass(frozen=True, slots=True)
class HubFigures:
    members_by_country: list[Bar]
    tools_by_category: list[Bar]
    runs_here_by_approval: list[Bar]
    completions_by_course: list[Bar]
    community: list[Bar]


def hub_figures() -> HubFigures:
    countries = HubMember.objects.values_list("country").annotate(n=Count("pk"))
    categories: Counter[str] = Counter()
    for listed in visible_tools().values_list("categories", flat=True):
        categories.update(listed)
    states = Counter(tool.state for tool in builtin_tools())
    language = get_language() or "en"
    completed = dict(
        Certificate.objects.filter(revoked=False).values_list("course").annotate(n=Count("pk"))
    )
    community = [
        ("threads", _("Threads"), Thread.objects.filter(hidden=False).count()),
        ("posts", _("Posts"), Post.objects.filter(hidden=False).count()),
        ("articles", _("Articles"), Article.objects.filter(hidden=False).count()),
        ("reviews", _("Tool reviews"), Review.objects.filter(hidden=False).count()),
        ("reports", _("Reports"), Report.objects.count()),
    ]
    return HubFigures(
        members_by_country=bars((code, code, n) for code, n in countries),
        tools_by_category=bars(
            (key, label(CATEGORY_LABELS, key), n) for key, n in categories.items()
        ),
        runs_here_by_approval=bars((state, state, n) for state, n in states.items()),
        completions_by_course=bars(
            (course.slug, text(course.title, language), completed.get(course.pk, 0))
            for course in Course.objects.all()
        ),
        community=bars(community),
    )
