"""Learning: progress through lessons, quiz attempts against the pass mark, certificates and
their verification, cohorts with their sessions and attendance."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from vigil.audit.log import record
from vigil.hub.catalogue import Localised
from vigil.records.community.models import HubMember
from vigil.records.training.models import (
    Attempt,
    Attendance,
    Certificate,
    Cohort,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Quiz,
    Session,
)

PURPOSE = "hub training"
# No 0/O, 1/I: a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4  # 16 characters: 80 random bits


class TrainingError(ValueError):
    """A step in training that cannot be taken, said plainly."""


def text(texts: Mapping[str, str], language: str) -> str:
    """A course text in the reader's language, else English."""
    return Localised.from_mapping(texts).get(language)


def lessons_of(course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(module__course=course).select_related("module"))


def completed_lessons(user: User, course: Course) -> set[int]:
    return set(
        LessonProgress.objects.filter(user=user, lesson__module__course=course).values_list(
            "lesson_id", flat=True
        )
    )


@dataclass(frozen=True, slots=True)
class Progress:
    lessons: int
    completed: int
    passed: bool
    certificate: Certificate | None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.lessons) if self.lessons else 0


def progress(user: User, course: Course) -> Progress:
    passed = Attempt.objects.filter(user=user, quiz__course=course, passed=True).exists()
    certificate = Certificate.objects.filter(user=user, course=course).first()
    return Progress(
        len(lessons_of(course)), len(completed_lessons(user, course)), passed, certificate
    )


def complete_lesson(user: User, lesson: Lesson) -> Certificate | None:
    LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    return issue_if_earned(user, lesson.module.course)


@dataclass(frozen=True, slots=True)
class Graded:
    attempt: Attempt
    right: int
    questions: int
    certificate: Certificate | None


@transaction.atomic
def grade(user: User, quiz: Quiz, chosen: Mapping[int, int]) -> Graded:
    """Scores one attempt ({question id: choice id}); an unanswered question counts as wrong."""
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        raise TrainingError("this quiz has no questions")
    right = 0
    for question in questions:
        correct = {choice.pk for choice in question.choices.all() if choice.correct}
        if chosen.get(question.pk) in correct:
            right += 1
    score = round(100 * right / len(questions))
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        score=score,
        passed=score >= quiz.pass_mark,
        answers={str(question): choice for question, choice in chosen.items()},
    )
    record(
        "training.quiz_attempt",
        actor=user.username,
        purpose=PURPOSE,
        details={"course": quiz.course.slug, "score": score, "passed": attempt.passed},
    )
    return Graded(attempt, right, len(questions), issue_if_earned(user, quiz.course))


def issue_if_earned(user: User, course: Course) -> Certificate | None:
    """The certificate, issued once every lesson is done and the quiz passed; else None."""
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    now = progress(user, course)
    if not now.passed or now.completed < now.lessons:
        return None
    member = HubMember.objects.filter(user=user).first()
    holder = member.full_name if member is not None else user.get_full_name() or user.username
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user, course=course, code=new_code(), holder_name=holder
            )
    except IntegrityError:  # issued meanwhile by another request
        return Certificate.objects.get(user=user, course=course)
    record(
        "training.certificate_issue",
        actor=user.username,
        purpose=PURPOSE,
        details={"course": course.slug, "certificate": certificate.pk},
    )
    return certificate


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The code as stored, from what someone typed (any case, spaces or dashes); else None."""
    raw = re.sub(r"[\s-]", "", typed).upper()
    if len(raw) != CODE_GROUPS * CODE_GROUP_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def verify(typed: str) -> Certificate | None:
    code = normalise_code(typed)
    if code is None:
        return None
    return Certificate.objects.select_related("course").filter(code=code).first()


# -- cohorts -------------------------------------------------------------------------------------


def enrol(cohort: Cohort, username: str, *, by: str) -> Enrolment:
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None or not HubMember.objects.filter(user=user).exists():
        raise TrainingError(f"no hub member with the user name {username.strip()!r}")
    enrolment, created = Enrolment.objects.get_or_create(cohort=cohort, user=user)
    if created:
        record(
            "training.cohort_enrol",
            actor=by,
            purpose=PURPOSE,
            details={"cohort": cohort.pk, "user": user.username},
        )
    return enrolment


def record_attendance(session: Session, present: set[int], *, by: str) -> None:
    """Who was there: every enrolled member is recorded present or absent."""
    with transaction.atomic():
        for enrolment in session.cohort.enrolments.all():
            Attendance.objects.update_or_create(
                session=session,
                user_id=enrolment.user_id,
                defaults={"present": enrolment.user_id in present, "recorded_by": by},
            )
    record(
        "training.attendance",
        actor=by,
        purpose=PURPOSE,
        details={"session": session.pk, "present": len(present)},
    )
