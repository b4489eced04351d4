"""Training's routes. Each name has a rule in vigil.web.access.ROUTE_RULES; who is inside the
hub is checked by each view (vigil.web.community.vetting), except for the public verification
of a certificate."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

import vigil.web.converters  # noqa: F401 - registers <id:...>
from vigil.web.training import views

urlpatterns: list[URLPattern] = [
    path("", views.training_home, name="training_home"),
    path("courses/<slug:course>/", views.course_page, name="training_course"),
    path(
        "courses/<slug:course>/lessons/<id:lesson_id>/", views.lesson_page, name="training_lesson"
    ),
    path("courses/<slug:course>/quiz/", views.quiz_page, name="training_quiz"),
    path(
        "certificates/<id:certificate_id>/pdf/",
        views.certificate_download,
        name="training_certificate",
    ),
    path("verify/", views.verify_page, name="training_verify"),
    re_path(
        r"^images/(?P<name>[a-z0-9][a-z0-9-]*\.(?:svg|png))$",
        views.lesson_image,
        name="training_image",
    ),
    path("cohorts/", views.cohorts_page, name="training_cohorts"),
    path("cohorts/<id:cohort_id>/", views.cohort_page, name="training_cohort"),
]
