"""The courses Vigil ships (seed/<slug>.yaml), checked and brought into the database.

Each file is one course: its title and summary, modules of lessons (Markdown), and a quiz with
a pass mark. Every text is given in the six UN languages; a file missing one is refused whole,
naming the file and the place. Seeding runs at every migrate and adds a course that is not in
the database yet; a course already there is left as it is, so that the quiz attempts,
progress and certificates that point to its lessons and questions stay valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from vigil.hub.catalogue import LANGUAGES
from vigil.records.training.models import Choice, Course, Lesson, Module, Question, Quiz

SEED_FOLDER = Path(__file__).with_name("seed")


class SeedError(ValueError):
    """A course file Vigil cannot use; every problem is listed, one per line."""


def load_course(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = course_problems(data)
    if problems:
        raise SeedError("\n".join(f"{path.name}: {problem}" for problem in problems))
    assert isinstance(data, dict)
    return data


def course_problems(data: object) -> list[str]:
    if not isinstance(data, Mapping):
        return ["expected a mapping"]
    found: list[str] = []
    for key in ("slug", "pass_mark", "title", "summary", "modules", "quiz"):
        if key not in data:
            found.append(f"{key}: missing")
    if found:
        return found
    found += _texts("title", data["title"]) + _texts("summary", data["summary"])
    if not isinstance(data["pass_mark"], int) or not 1 <= data["pass_mark"] <= 100:
        found.append("pass_mark: a whole percentage from 1 to 100")
    for m, module in enumerate(data["modules"] or [], start=1):
        found += _texts(f"modules[{m}].title", module.get("title"))
        for n, lesson in enumerate(module.get("lessons") or [], start=1):
            where = f"modules[{m}].lessons[{n}]"
            found += _texts(f"{where}.title", lesson.get("title"))
            found += _texts(f"{where}.body", lesson.get("body"))
    if not data["modules"]:
        found.append("modules: a course needs at least one module")
    for q, question in enumerate(data["quiz"] or [], start=1):
        found += _texts(f"quiz[{q}].question", question.get("question"))
        choices = question.get("choices") or []
        for c, choice in enumerate(choices, start=1):
            found += _texts(f"quiz[{q}].choices[{c}]", choice.get("text"))
        if sum(1 for choice in choices if choice.get("correct") is True) != 1:
            found.append(f"quiz[{q}]: exactly one choice must be correct")
    if not data["quiz"]:
        found.append("quiz: a course needs questions")
    return found


def _texts(where: str, texts: object) -> list[str]:
    if not isinstance(texts, Mapping):
        return [f"{where}: must map {', '.join(LANGUAGES)} to texts"]
    found = [
        f"{where}.{lang}: missing" for lang in LANGUAGES if not str(texts.get(lang) or "").strip()
    ]
    found += [f"{where}.{lang}: unknown language" for lang in texts if lang not in LANGUAGES]
    return found


def seed_courses(folder: Path = SEED_FOLDER) -> list[str]:
    """Adds the shipped courses missing from the database; returns the slugs added."""
    added: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_course(path)
        if not Course.objects.filter(slug=data["slug"]).exists():
            _create(data)
            added.append(data["slug"])
    return added


@transaction.atomic
def _create(data: Mapping[str, Any]) -> Course:
    course = Course.objects.create(
        slug=data["slug"],
        title=dict(data["title"]),
        summary=dict(data["summary"]),
        position=int(data.get("position", 0)),
    )
    for m, module_data in enumerate(data["modules"], start=1):
        module = Module.objects.create(course=course, position=m, title=dict(module_data["title"]))
        for n, lesson in enumerate(module_data["lessons"], start=1):
            Lesson.objects.create(
                module=module, position=n, title=dict(lesson["title"]), body=dict(lesson["body"])
            )
    quiz = Quiz.objects.create(course=course, pass_mark=data["pass_mark"])
    for q, question_data in enumerate(data["quiz"], start=1):
        question = Question.objects.create(
            quiz=quiz, position=q, text=dict(question_data["question"])
        )
        for c, choice in enumerate(question_data["choices"], start=1):
            Choice.objects.create(
                question=question,
                position=c,
                text=dict(choice["text"]),
                correct=choice.get("correct") is True,
            )
    return course
