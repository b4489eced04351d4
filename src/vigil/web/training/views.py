"""Training pages: courses, lessons, quizzes, certificates (PDF and public verification),
cohorts with their schedule, enrolment and attendance."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vigil.audit.log import record
from vigil.hub.markdown import render_markdown
from vigil.records.training.models import Certificate, Cohort, Course, Lesson, Session
from vigil.web.community.vetting import is_hub_admin, member_required
from vigil.web.training import services
from vigil.web.training.forms import CodeForm, CohortForm, EnrolForm, QuizForm, SessionForm
from vigil.web.training.pdf import certificate_pdf

IMAGES = Path(__file__).with_name("images")
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "the vetting lets only signed-in members here"
    return request.user


def _language() -> str:
    return get_language() or "en"


def _course(slug: str) -> Course:
    return get_object_or_404(Course, slug=slug, published=True)


@require_GET
@member_required
def training_home(request: HttpRequest) -> HttpResponse:
    user, language = _user(request), _language()
    rows = [
        (
            course,
            services.text(course.title, language),
            services.text(course.summary, language),
            services.progress(user, course),
        )
        for course in Course.objects.filter(published=True)
    ]
    context = {
        "courses": rows,
        "cohorts": Cohort.objects.filter(enrolments__user=user).select_related("course"),
        "is_admin": is_hub_admin(user),
    }
    return render(request, "training/home.html", context)


@require_GET
@member_required
def course_page(request: HttpRequest, course: str) -> HttpResponse:
    found, user, language = _course(course), _user(request), _language()
    done = services.completed_lessons(user, found)
    modules = [
        (
            services.text(module.title, language),
            [
                (lesson, services.text(lesson.title, language), lesson.pk in done)
                for lesson in module.lessons.all()
            ],
        )
        for module in found.modules.prefetch_related("lessons")
    ]
    context = {
        "course": found,
        "title": services.text(found.title, language),
        "summary": services.text(found.summary, language),
        "modules": modules,
        "progress": services.progress(user, found),
        "pass_mark": found.quiz.pass_mark,
    }
    return render(request, "training/course.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def lesson_page(request: HttpRequest, course: str, lesson_id: int) -> HttpResponse:
    found = _course(course)
    lesson = get_object_or_404(Lesson, pk=lesson_id, module__course=found)
    if request.method == "POST":
        services.complete_lesson(_user(request), lesson)
        following = services.lessons_of(found)
        position = [item.pk for item in following].index(lesson.pk)
        if position + 1 < len(following):
            return redirect(
                "training_lesson", course=found.slug, lesson_id=following[position + 1].pk
            )
        return redirect("training_course", course=found.slug)
    language = _language()
    context = {
        "course": found,
        "course_title": services.text(found.title, language),
        "title": services.text(lesson.title, language),
        # Sanitised by render_markdown: safe to include as HTML.
        "body": mark_safe(render_markdown(services.text(lesson.body, language))),
        "done": lesson.pk in services.completed_lessons(_user(request), found),
    }
    return render(request, "training/lesson.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def quiz_page(request: HttpRequest, course: str) -> HttpResponse:
    found, language = _course(course), _language()
    quiz = found.quiz
    form = QuizForm(quiz, language, request.POST or None)
    graded = None
    if request.method == "POST" and form.is_valid():
        graded = services.grade(_user(request), quiz, form.chosen())
    context = {
        "course": found,
        "course_title": services.text(found.title, language),
        "form": form,
        "graded": graded,
        "pass_mark": quiz.pass_mark,
        "progress": services.progress(_user(request), found),
    }
    return render(request, "training/quiz.html", context)


@require_GET
@member_required
def certificate_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    user = _user(request)
    mine = Q(user=user) if not is_hub_admin(user) else Q()
    certificate = Certificate.objects.select_related("course").filter(mine, pk=certificate_id)
    found = certificate.first()
    if found is None:
        raise Http404("no such certificate")
    site = f"{request.scheme}://{request.get_host()}"
    pdf = certificate_pdf(found, _language(), site=site)
    record(
        "training.certificate_download",
        actor=user.username,
        purpose=services.PURPOSE,
        details={"certificate": found.pk},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{found.code}.pdf"'
    return response


@never_cache
@require_GET
def verify_page(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding a code learns the name, the course, the date and validity; a
    wrong code learns nothing (not found)."""
    form = CodeForm(request.GET or None)
    if not form.is_bound:
        return render(request, "training/verify.html", {"form": form})
    found = services.verify(form.data.get("code", ""))
    if found is None:
        return render(request, "training/verify.html", {"form": form, "unknown": True}, status=404)
    context = {
        "form": form,
        "certificate": found,
        "course_title": services.text(found.course.title, _language()),
    }
    return render(request, "training/verify.html", context)


@require_GET
@member_required
def lesson_image(request: HttpRequest, name: str) -> FileResponse:
    """Images of the shipped lessons; the route's pattern admits plain file names only."""
    path = IMAGES / name
    kind = IMAGE_TYPES.get(path.suffix)
    if kind is None or not path.is_file():
        raise Http404("no such image")
    return FileResponse(path.open("rb"), content_type=kind)


# -- cohorts -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def cohorts_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    admin = is_hub_admin(user)
    form = CohortForm(request.POST or None) if admin else None
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            cohort = Cohort.objects.create(created_by=user.username, **form.cleaned_data)
            record(
                "training.cohort_create",
                actor=user.username,
                purpose=services.PURPOSE,
                details={"cohort": cohort.pk, "course": cohort.course.slug},
            )
            return redirect("training_cohort", cohort_id=cohort.pk)
    cohorts = Cohort.objects.select_related("course")
    if not admin:
        cohorts = cohorts.filter(enrolments__user=user)
    context = {"cohorts": cohorts, "form": form}
    return render(
        request, "training/cohorts.html", context, status=400 if form and form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@member_required
def cohort_page(request: HttpRequest, cohort_id: int) -> HttpResponse:
    user = _user(request)
    admin = is_hub_admin(user)
    cohorts = Cohort.objects.select_related("course")
    cohort = get_object_or_404(
        cohorts if admin else cohorts.filter(enrolments__user=user), pk=cohort_id
    )
    enrol, session = EnrolForm(), SessionForm()
    error = ""
    if request.method == "POST":
        if not admin:
            return HttpResponse(status=403)
        action = request.POST.get("form")
        if action == "enrol":
            enrol = EnrolForm(request.POST)
            if enrol.is_valid():
                try:
                    services.enrol(cohort, enrol.cleaned_data["username"], by=user.username)
                except services.TrainingError as problem:
                    enrol.add_error(None, str(problem))
                else:
                    return redirect("training_cohort", cohort_id=cohort.pk)
        elif action == "session":
            session = SessionForm(request.POST)
            if session.is_valid():
                Session.objects.create(cohort=cohort, **session.cleaned_data)
                return redirect("training_cohort", cohort_id=cohort.pk)
        elif action == "attendance":
            meeting = cohort.sessions.filter(pk=request.POST.get("session_id") or 0).first()
            if meeting is not None:
                present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
                services.record_attendance(meeting, present, by=user.username)
                return redirect("training_cohort", cohort_id=cohort.pk)
            error = "no such session"
        else:
            error = "unknown form"
    enrolments = list(cohort.enrolments.select_related("user__hub_member"))
    # A member sees the schedule and their own attendance; hub admins see everyone's.
    shown = enrolments if admin else [e for e in enrolments if e.user_id == user.pk]
    schedule = []
    for meeting in cohort.sessions.prefetch_related("attendance"):
        marks = {mark.user_id: mark.present for mark in meeting.attendance.all()}
        schedule.append((meeting, [(e, marks.get(e.user_id)) for e in shown]))
    context = {
        "cohort": cohort,
        "course_title": services.text(cohort.course.title, _language()),
        "enrolments": shown,
        "schedule": schedule,
        "enrol_form": enrol,
        "session_form": session,
        "is_admin": admin,
        "error": error,
    }
    invalid = request.method == "POST"
    return render(request, "training/cohort.html", context, status=400 if invalid else 200)
