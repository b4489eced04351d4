"""The questionnaire follows the toolkit's five core principles, lawfulness first."""

from __future__ import annotations

from vigil.governance.questionnaire import questionnaire


def test_the_lawfulness_gate_asks_legal_basis_necessity_and_proportionality() -> None:
    gate = questionnaire().lawfulness
    assert [q.id for q in gate] == ["legal_basis", "necessity", "proportionality"]
    assert {q.principle for q in gate} == {"Lawfulness"}


def test_every_other_core_principle_asks_about_each_of_its_instrumental_principles() -> None:
    asked: dict[str, set[str]] = {}
    for question in questionnaire().risks:
        asked.setdefault(question.principle, set()).add(question.instrumental)
    assert asked == {
        "Minimisation of harm": {
            "human and environmental well-being",
            "robustness and safety",
            "accuracy",
            "efficiency",
        },
        "Human autonomy": {
            "privacy",
            "human control and oversight",
            "human agency",
            "transparency and explainability",
        },
        "Fairness": {
            "equality and non-discrimination",
            "diversity and accessibility",
            "protection of vulnerable groups",
            "contestability and redress",
        },
        "Good governance": {"accountability", "traceability and auditability"},
    }


def test_each_instrumental_principle_has_one_to_three_questions() -> None:
    counts: dict[str, int] = {}
    for question in questionnaire().risks:
        counts[question.instrumental] = counts.get(question.instrumental, 0) + 1
    assert all(1 <= n <= 3 for n in counts.values())
