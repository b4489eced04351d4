"""The risk assessment questionnaire (questionnaire.yaml), read once and checked on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    principle: str  # core principle, e.g. "Fairness"
    instrumental: str  # e.g. "equality and non-discrimination"
    text: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    #: The lawfulness gate: legal basis, necessity, proportionality, asked before any risk.
    lawfulness: tuple[Question, ...]
    #: "Is this risk present?" questions, grouped by core then instrumental principle.
    risks: tuple[Question, ...]

    def risk(self, question_id: str) -> Question | None:
        return next((q for q in self.risks if q.id == question_id), None)

    @property
    def risk_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.risks)

    @property
    def lawfulness_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.lawfulness)


@cache
def questionnaire() -> Questionnaire:
    raw = yaml.safe_load(files("vigil.governance").joinpath("questionnaire.yaml").read_text())
    return parse_questionnaire(raw)


def parse_questionnaire(raw: dict[str, Any]) -> Questionnaire:
    gate = raw["lawfulness"]
    lawfulness = tuple(
        Question(q["id"], gate["principle"], q["instrumental"], q["text"])
        for q in gate["questions"]
    )
    risks = tuple(
        Question(q["id"], core["principle"], instrumental["name"], q["text"])
        for core in raw["principles"]
        for instrumental in core["instrumental"]
        for q in instrumental["questions"]
    )
    ids = [q.id for q in (*lawfulness, *risks)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:  # answers refer to questions by id, so an id must mean one question
        raise ValueError(f"questionnaire ids used twice: {', '.join(duplicates)}")
    return Questionnaire(lawfulness, risks)
