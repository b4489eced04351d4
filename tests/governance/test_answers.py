"""Answers files: the lawfulness gate, residual risk, and messages that point at the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.governance.conftest import answers_at, answers_dict
from vigil.governance.answers import AnswersError, load_answers, parse_answers_text

GOOD = """\
use_case: {purpose: "Find new victims", deployment: "on-premises, air-gapped"}
lawfulness:
  legal_basis: "Criminal Procedure Act s. 94"
  necessity: "Manual review cannot find them in time"
  proportionality: "Only in child sexual abuse cases"
  lawful: true
risks:
  - id: fairness.demographic_performance
    present: true
    likelihood: 4
    severity: 4
    mitigations: ["Every match is reviewed by a person"]
    residual_likelihood: 2
    residual_severity: 4
  - id: accuracy.false_positive
    present: true
    likelihood: 2
    severity: 3
  - {id: wellbeing.exposure, present: false}
reassess_after_months: 6
"""


def problems(text: str) -> str:
    with pytest.raises(AnswersError) as caught:
        parse_answers_text(text, source="answers.yaml")
    return str(caught.value)


def test_a_well_formed_file_is_read_with_its_residual_scores(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(GOOD)
    answers = load_answers(path)
    fairness, accuracy, exposure = answers.risks
    assert (fairness.inherent_band, fairness.residual_band) == ("high", "medium")
    assert (accuracy.residual_likelihood, accuracy.residual_severity) == (2, 3)
    assert exposure.residual_band is None
    assert answers.level == "medium"
    assert answers.reassess_after_months == 6


def test_the_level_is_the_highest_residual_band_among_present_risks() -> None:
    for level in ("low", "medium", "high", "very high"):
        assert answers_at(level).level == level


def test_a_no_in_the_lawfulness_gate_means_not_lawful_and_no_level() -> None:
    answers = answers_at("low", legal_basis=False)
    assert not answers.lawfulness.passed
    assert answers.lawfulness.failures == ["legal basis"]
    assert answers.level is None


def test_declaring_it_not_lawful_fails_the_gate_too() -> None:
    text = GOOD.replace("lawful: true", "lawful: false")
    answers = parse_answers_text(text)
    assert answers.lawfulness.failures == ["declared not lawful"]


def test_unlisted_questions_are_reported_as_unanswered() -> None:
    answers = parse_answers_text(GOOD)
    assert "robustness.bad_input" in answers.unanswered()
    assert "fairness.demographic_performance" not in answers.unanswered()
    assert answers_at("low").unanswered() == []


def test_a_bad_likelihood_is_named_with_its_line() -> None:
    message = problems(GOOD.replace("likelihood: 4", "likelihood: 7"))
    assert (
        "answers.yaml, line 10: risks[0] (fairness.demographic_performance).likelihood: "
        "must be a whole number from 1 to 5, not 7"
    ) in message


def test_an_unknown_question_id_is_named_with_its_line() -> None:
    message = problems(GOOD.replace("accuracy.false_positive", "accuracy.made_up"))
    assert "answers.yaml, line 15: risks[1]: unknown question id 'accuracy.made_up'" in message


def test_a_missing_lawfulness_answer_is_named() -> None:
    text = GOOD.replace('  necessity: "Manual review cannot find them in time"\n', "")
    message = problems(text)
    assert "answers.yaml, line 3: lawfulness.necessity: missing answer" in message


def test_a_missing_lawfulness_section_is_named() -> None:
    message = problems("use_case: {purpose: x}\nrisks: []\n")
    assert "lawfulness: missing" in message


def test_a_lower_residual_score_needs_a_mitigation() -> None:
    text = GOOD.replace('    mitigations: ["Every match is reviewed by a person"]\n', "")
    assert "needs at least one mitigation" in problems(text)


def test_a_residual_score_above_the_inherent_score_is_refused() -> None:
    text = GOOD.replace("residual_likelihood: 2", "residual_likelihood: 5")
    assert "cannot exceed the inherent score" in problems(text)


def test_a_question_answered_twice_is_refused() -> None:
    text = GOOD.replace("accuracy.false_positive", "fairness.demographic_performance")
    assert "answered twice" in problems(text)


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("likelihood: 4", "likelihood: 9").replace("severity: 3", "severity: x")
    assert len(problems(text).splitlines()) == 2


def test_unreadable_yaml_names_its_line() -> None:
    message = problems("use_case: {purpose: x}\nlawfulness: [\n")
    assert message.startswith("answers.yaml, line 3: not valid YAML: expected the node content")


def test_stored_answers_read_back_the_same() -> None:
    from vigil.governance.answers import parse_answers

    answers = answers_at("high")
    assert parse_answers(answers.as_dict()) == answers
    assert parse_answers(answers_dict("high")) == answers


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    assert "expected a mapping with use_case, lawfulness and risks, found list" in problems("- 1\n")
