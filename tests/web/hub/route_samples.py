"""Sample URL arguments for the hub's routes, for the authorisation matrix
(tests/web/test_access_matrix.py), which must reach every route with real objects."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def hub_route_samples() -> dict[str, Any]:
    """One real object behind each URL argument of the catalogue, community and training;
    made once a test session."""
    from tests.web.hub.people import hub_member
    from vigil.analyzers.registry import default_registry
    from vigil.hub.community.forum import start_thread, write_article
    from vigil.records.community.models import ForumCategory
    from vigil.records.training.models import Certificate, Cohort, Course, Lesson
    from vigil.web.training.services import new_code

    author = hub_member("matrix-hub-member").user
    thread = start_thread(author, ForumCategory.objects.first(), "Matrix", "A post.", "en")
    article = write_article(author, "Matrix", "A summary.", "A body.", "en")
    course = Course.objects.get(slug="triage-with-vigil")
    certificate = Certificate.objects.create(
        user=author, course=course, code=new_code(), holder_name="Matrix"
    )
    cohort = Cohort.objects.create(
        course=course,
        name="Matrix",
        region="ZZ",
        starts_on="2026-01-01",
        ends_on="2026-01-02",
        created_by="tests",
    )
    return {
        "tool": "autopsy",
        "analyzer": next(iter(default_registry())).name,
        "thread_id": thread.pk,
        "article_id": article.pk,
        "course": course.slug,
        "lesson_id": Lesson.objects.filter(module__course=course).first().pk,
        "certificate_id": certificate.pk,
        "cohort_id": cohort.pk,
        "name": "risk-matrix.svg",
    }
