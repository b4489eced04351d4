"""Training: the shipped courses in all six languages, lessons and progress, quizzes with their
pass mark, certificates (PDF, public verification) and cohorts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.hub.people import hub_admin, hub_member, signed_in
from tests.web.personas import web_client

pytestmark = pytest.mark.usefixtures("django_instance")

SEED_SLUGS = {"responsible-ai-in-law-enforcement", "triage-with-vigil", "investigator-wellbeing"}
SIX = ("ar", "zh-hans", "en", "fr", "ru", "es")


def texts_of(course: Any) -> list[dict[str, str]]:
    """Every translated text of a course: titles, lessons, questions and choices."""
    found = [course.title, course.summary]
    for module in course.modules.all():
        found.append(module.title)
        for lesson in module.lessons.all():
            found += [lesson.title, lesson.body]
    for question in course.quiz.questions.all():
        found.append(question.text)
        found += [choice.text for choice in question.choices.all()]
    return found


def test_the_three_courses_are_seeded_with_every_text_in_all_six_languages() -> None:
    from vigil.records.training.models import Course

    courses = Course.objects.filter(slug__in=SEED_SLUGS)
    assert {course.slug for course in courses} == SEED_SLUGS
    for course in courses:
        for texts in texts_of(course):
            assert sorted(texts) == sorted(SIX), course.slug
            assert all(texts[language].strip() for language in SIX), course.slug
        assert course.quiz.questions.count() == 5


def test_every_lesson_is_150_to_300_words_in_each_language() -> None:
    from vigil.records.training.models import Lesson

    for lesson in Lesson.objects.filter(module__course__slug__in=SEED_SLUGS):
        for language in SIX:
            body = lesson.body[language]
            # Chinese has no spaces between words: about two characters make a word.
            size = len(body) // 2 if language == "zh-hans" else len(body.split())
            assert 150 <= size <= 340, (lesson.pk, language, size)


def test_a_course_file_missing_a_language_is_refused_naming_the_place(tmp_path: Path) -> None:
    import yaml

    from vigil.hub.training.seed import SEED_FOLDER, SeedError, load_course

    data = yaml.safe_load((SEED_FOLDER / "3-investigator-wellbeing.yaml").read_text())
    del data["modules"][0]["lessons"][1]["body"]["ar"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SeedError, match=r"broken.yaml: modules\[1\].lessons\[2\].body.ar: missing"):
        load_course(path)


def test_seeding_again_adds_nothing() -> None:
    from vigil.hub.training.seed import seed_courses

    assert seed_courses() == []


def right_answers(quiz: Any) -> dict[int, int]:
    return {q.pk: q.choices.get(correct=True).pk for q in quiz.questions.all()}


def wrong_answer(question: Any) -> int:
    return int(question.choices.filter(correct=False).first().pk)


def test_a_quiz_is_passed_at_its_pass_mark_and_failed_below_it() -> None:
    from vigil.records.training.models import Course
    from vigil.web.training.services import grade

    learner = hub_member("training-quiz-taker").user
    quiz = Course.objects.get(slug="triage-with-vigil").quiz
    assert quiz.pass_mark == 80
    answers = right_answers(quiz)
    first, second = list(quiz.questions.all())[:2]
    four_of_five = answers | {first.pk: wrong_answer(first)}
    three_of_five = four_of_five | {second.pk: wrong_answer(second)}
    for chosen, score, passed in (
        (three_of_five, 60, False),
        (four_of_five, 80, True),
        ({}, 0, False),
    ):
        attempt = grade(learner, quiz, chosen).attempt
        assert (attempt.score, attempt.passed) == (score, passed)


def complete_course_through_the_pages(client: Any, slug: str) -> None:
    from vigil.records.training.models import Course

    course = Course.objects.get(slug=slug)
    for lesson in course.modules.first().lessons.all():
        page = client.get(f"/hub/training/courses/{slug}/lessons/{lesson.pk}/")
        assert page.status_code == 200
        assert client.post(f"/hub/training/courses/{slug}/lessons/{lesson.pk}/").status_code == 302
    form = {f"q{question}": choice for question, choice in right_answers(course.quiz).items()}
    result = client.post(f"/hub/training/courses/{slug}/quiz/", form)
    assert b"Passed." in result.content


def test_a_certificate_is_issued_only_once_every_lesson_is_done_and_the_quiz_passed() -> None:
    from vigil.records.training.models import Certificate, Course
    from vigil.web.training.services import complete_lesson, grade

    person = hub_member("training-diligent")
    course = Course.objects.get(slug="investigator-wellbeing")
    graded = grade(person.user, course.quiz, right_answers(course.quiz))
    assert graded.attempt.passed and graded.certificate is None  # lessons still to do
    lessons = list(course.modules.first().lessons.all())
    assert complete_lesson(person.user, lessons[0]) is None
    certificate = complete_lesson(person.user, lessons[1])
    assert certificate is not None and certificate.holder_name == "Officer training-diligent"
    assert Certificate.objects.filter(user=person.user, course=course).count() == 1


@pytest.fixture(scope="module")
def certified() -> dict[str, Any]:
    """A member who finished the wellbeing course through the pages."""
    from vigil.records.training.models import Certificate

    person = hub_member("training-graduate")
    client = signed_in(person)
    complete_course_through_the_pages(client, "investigator-wellbeing")
    certificate = Certificate.objects.get(user=person.user)
    return {"client": client, "certificate": certificate}


def test_the_certificate_pdf_is_a_pdf(certified: dict[str, Any]) -> None:
    certificate = certified["certificate"]
    pdf = certified["client"].get(f"/hub/training/certificates/{certificate.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_member_cannot_download_someone_else_s_certificate(
    certified: dict[str, Any],
) -> None:
    other = signed_in(hub_member("training-nosy"))
    certificate = certified["certificate"]
    assert other.get(f"/hub/training/certificates/{certificate.pk}/pdf/").status_code == 404


def test_anyone_can_verify_a_certificate_code_without_signing_in(
    certified: dict[str, Any],
) -> None:
    certificate = certified["certificate"]
    typed = certificate.code.lower().replace("-", " ")  # as read from paper
    page = web_client().get("/hub/training/verify/", {"code": typed})
    assert page.status_code == 200
    assert b"Officer training-graduate" in page.content
    assert b"Investigator wellbeing" in page.content
    assert b"Valid" in page.content
    # Only name, course, date and validity: not the holder's address or user name.
    assert certificate.user.email.encode() not in page.content


def test_a_wrong_certificate_code_is_not_found() -> None:
    for code in ("AAAA-BBBB-CCCC-DDDD", "not a code", ""):
        assert web_client().get("/hub/training/verify/", {"code": code}).status_code == 404
    assert web_client().get("/hub/training/verify/").status_code == 200  # the empty form


def test_a_revoked_certificate_verifies_as_not_valid(certified: dict[str, Any]) -> None:
    from vigil.records.training.models import Certificate

    certificate = certified["certificate"]
    Certificate.objects.filter(pk=certificate.pk).update(revoked=True)
    try:
        page = web_client().get("/hub/training/verify/", {"code": certificate.code})
        assert b"Revoked: not valid" in page.content
    finally:
        Certificate.objects.filter(pk=certificate.pk).update(revoked=False)


def test_lesson_images_are_served_to_members_only() -> None:
    member = signed_in(hub_member("training-viewer"))
    image = member.get("/hub/training/images/risk-matrix.svg")
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert member.get("/hub/training/images/missing.svg").status_code == 404
    assert web_client().get("/hub/training/images/risk-matrix.svg").status_code == 302


def test_a_hub_admin_runs_a_cohort_with_a_schedule_enrolment_and_attendance() -> None:
    from vigil.records.training.models import Attendance, Cohort, Course

    learner = hub_member("training-cohort-member")
    absent = hub_member("training-cohort-absent")
    admin = signed_in(hub_admin("training-coordinator"))
    course = Course.objects.get(slug="responsible-ai-in-law-enforcement")
    created = admin.post(
        "/hub/training/cohorts/",
        {
            "course": course.pk,
            "name": "Sahel 2026",
            "region": "ML, NE, BF",
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-06",
        },
    )
    assert created.status_code == 302
    cohort = Cohort.objects.get(name="Sahel 2026")
    url = f"/hub/training/cohorts/{cohort.pk}/"
    for person in (learner, absent):
        enrolled = admin.post(url, {"form": "enrol", "username": person.user.username})
        assert enrolled.status_code == 302
    assert (
        admin.post(
            url, {"form": "session", "starts_at": "2026-03-02T09:00", "topic": "Principles"}
        ).status_code
        == 302
    )
    session = cohort.sessions.get()
    marked = admin.post(
        url, {"form": "attendance", "session_id": session.pk, "present": [learner.user.pk]}
    )
    assert marked.status_code == 302
    marks = dict(Attendance.objects.filter(session=session).values_list("user_id", "present"))
    assert marks == {learner.user.pk: True, absent.user.pk: False}
    member_view = signed_in(learner).get(url)
    assert b"You were present." in member_view.content
    assert b"training-cohort-absent" not in member_view.content


def test_a_cohort_cannot_end_before_it_starts() -> None:
    from vigil.records.training.models import Course

    admin = signed_in(hub_admin("training-hasty-coordinator"))
    course = Course.objects.get(slug="triage-with-vigil")
    refused = admin.post(
        "/hub/training/cohorts/",
        {
            "course": course.pk,
            "name": "Backwards",
            "region": "EU",
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
        },
    )
    assert refused.status_code == 400
