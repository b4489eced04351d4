"""Personas of one agency per test (the test database is shared by the whole session), the
test tools, and answers built to reach a chosen risk level."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import start_django_for_tests
from tests.governance.tools.high_risk.analyzer import HighRiskTool
from tests.governance.tools.low_risk.analyzer import LowRiskTool
from tests.governance.tools.plain_step.analyzer import PlainStep

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from vigil.analyzers.registry import AnalyzerRegistry
    from vigil.governance.answers import Answers
    from vigil.records.accounts.models import Agency

# The governance is made of Django models: load them (in the session's instance, see
# tests/conftest.py) before the test modules import them.
start_django_for_tests()

PASSWORD = "a long enough passphrase"

#: likelihood × severity that lands in each band
SCORES = {"low": (1, 2), "medium": (2, 3), "high": (3, 4), "very high": (5, 5)}


@dataclass
class People:
    agency: Agency
    olga: User  # governance officer
    omar: User  # governance officer
    ivan: User  # investigator


@pytest.fixture
def people(request: pytest.FixtureRequest, django_instance: object) -> People:
    from vigil.accounts.services import add_user
    from vigil.records.accounts.models import Agency

    tag = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:10]
    agency = Agency.objects.create(name=f"agency-{tag}", country="FR")

    def person(name: str, role: str) -> User:
        return add_user(f"{name}-{tag}", [role], agency=agency, password=PASSWORD)[0]

    return People(
        agency,
        olga=person("olga", "governance_officer"),
        omar=person("omar", "governance_officer"),
        ivan=person("ivan", "investigator"),
    )


@pytest.fixture
def registry() -> AnalyzerRegistry:
    from vigil.analyzers.registry import AnalyzerRegistry

    tools = AnalyzerRegistry()
    for tool in (HighRiskTool, LowRiskTool, PlainStep):
        tools.register(tool)
    return tools


@pytest.fixture(autouse=True)
def original_model() -> None:
    HighRiskTool.digest = "a" * 64


def answers_dict(level: str = "low", *, legal_basis: Any = "Criminal Procedure Act s. 94") -> dict:
    """Every question answered; one risk present, scored to land in `level`."""
    from vigil.governance.questionnaire import questionnaire

    likelihood, severity = SCORES[level]
    ids = questionnaire().risk_ids
    return {
        "use_case": {"purpose": "Find new victims"},
        "lawfulness": {
            "legal_basis": legal_basis,
            "necessity": "Manual review cannot find them in time",
            "proportionality": "Only in child sexual abuse cases",
        },
        "risks": [
            {"id": ids[0], "present": True, "likelihood": likelihood, "severity": severity},
            *({"id": qid, "present": False} for qid in ids[1:]),
        ],
    }


def answers_at(level: str, **changes: Any) -> Answers:
    from vigil.governance.answers import parse_answers

    return parse_answers(answers_dict(level, **changes))
