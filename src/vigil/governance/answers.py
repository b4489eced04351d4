"""Answers to the risk assessment questionnaire: the format, its loader and its checks.

The same format serves an analyzer package's default assessment (its `risk.yaml`) and an
agency's own answers (`vigil tools assess NAME --answers FILE`)::

    use_case:                       # the unit of assessment: tool + purpose + data + context
      purpose: "Find new images of known victims in seized material"
      data: "Seized images and video keyframes"
      deployment: "on-premises, air-gapped"
      model_version: "arcface-r100 2024-03"
    lawfulness:                     # the gate: every answer is a statement (yes) or false (no)
      legal_basis: "Criminal Procedure Act s. 94 (search and seizure)"
      necessity: "Manual review of 2 million files cannot find them in time"
      proportionality: "Used only in cases of child sexual abuse, on seized material"
      lawful: true                  # optional; false rejects the assessment as well
    risks:                          # one entry per question id of questionnaire.yaml
      - id: fairness.demographic_performance
        present: true
        likelihood: 3               # 1 (rare) .. 5 (almost certain)
        severity: 4                 # 1 (minimal) .. 5 (grave, wide, irreversible)
        mitigations: ["Every match is reviewed by a person before it counts"]
        residual_likelihood: 2      # after the mitigations; default: the inherent values
        residual_severity: 4
      - {id: wellbeing.exposure, present: false}
    reassess_after_months: 12       # 1..12; default 12

A present risk without mitigations keeps its inherent score as its residual score. Questions
not listed are unanswered: an assessment can be drafted with gaps but not submitted.

Problems are reported in plain sentences naming the file, the line and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vigil.analyzers.base import RiskLevel
from vigil.governance import scoring
from vigil.governance.questionnaire import Questionnaire, questionnaire

DEFAULT_REASSESS_MONTHS = 12
LAWFULNESS_KEYS = ("legal_basis", "necessity", "proportionality")
_PROMPTS = {
    "legal_basis": "name the legal basis",
    "necessity": "say why the tool is necessary",
    "proportionality": "say why its use is proportionate",
}


class AnswersError(ValueError):
    """An answers file Vigil cannot use; `problems` lists every problem found, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class UseCase:
    purpose: str
    data: str = ""
    deployment: str = ""
    model_version: str = ""


@dataclass(frozen=True, slots=True)
class Lawfulness:
    """A statement per gate question, or None where the answer is no."""

    legal_basis: str | None
    necessity: str | None
    proportionality: str | None
    lawful: bool = True

    @property
    def failures(self) -> list[str]:
        failed = [key.replace("_", " ") for key in LAWFULNESS_KEYS if getattr(self, key) is None]
        if not self.lawful and not failed:
            failed.append("declared not lawful")
        return failed

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class RiskAnswer:
    id: str
    present: bool
    likelihood: int = 0  # 0 while the risk is absent
    severity: int = 0
    mitigations: tuple[str, ...] = ()
    residual_likelihood: int = 0
    residual_severity: int = 0

    @property
    def inherent_score(self) -> int:
        return self.likelihood * self.severity

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_severity

    @property
    def inherent_band(self) -> RiskLevel | None:
        return scoring.band_of_score(self.inherent_score) if self.present else None

    @property
    def residual_band(self) -> RiskLevel | None:
        return scoring.band_of_score(self.residual_score) if self.present else None


@dataclass(frozen=True, slots=True)
class Answers:
    use_case: UseCase
    lawfulness: Lawfulness
    risks: tuple[RiskAnswer, ...] = ()
    reassess_after_months: int = DEFAULT_REASSESS_MONTHS
    source: str = field(default="answers", compare=False)

    @property
    def level(self) -> RiskLevel | None:
        """The highest residual band among present risks; None when not lawful (no level)."""
        if not self.lawfulness.passed:
            return None
        return scoring.highest(r.residual_band for r in self.risks if r.residual_band)

    def unanswered(self, asked: Questionnaire | None = None) -> list[str]:
        answered = {risk.id for risk in self.risks}
        return [qid for qid in (asked or questionnaire()).risk_ids if qid not in answered]

    def as_dict(self) -> dict[str, Any]:
        """The normalised answers (residuals filled in) as stored with an assessment."""
        risks: list[dict[str, Any]] = []
        for risk in self.risks:
            entry: dict[str, Any] = {"id": risk.id, "present": risk.present}
            if risk.present:
                entry |= {
                    "likelihood": risk.likelihood,
                    "severity": risk.severity,
                    "mitigations": list(risk.mitigations),
                    "residual_likelihood": risk.residual_likelihood,
                    "residual_severity": risk.residual_severity,
                }
            risks.append(entry)
        law = self.lawfulness
        return {
            "use_case": {
                "purpose": self.use_case.purpose,
                "data": self.use_case.data,
                "deployment": self.use_case.deployment,
                "model_version": self.use_case.model_version,
            },
            "lawfulness": {
                "legal_basis": law.legal_basis if law.legal_basis is not None else False,
                "necessity": law.necessity if law.necessity is not None else False,
                "proportionality": (
                    law.proportionality if law.proportionality is not None else False
                ),
                "lawful": law.lawful,
            },
            "risks": risks,
            "reassess_after_months": self.reassess_after_months,
        }


def load_answers(path: Path) -> Answers:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AnswersError([f"{path}: cannot be read: {error}"]) from None
    return parse_answers_text(text, source=str(path))


def parse_answers_text(text: str, *, source: str = "answers") -> Answers:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or error
        raise AnswersError([f"{source}{where}: not valid YAML: {problem}"]) from None
    return parse_answers(data, source=source)


def parse_answers(data: object, *, source: str = "answers") -> Answers:
    """Checks answers read from YAML (with line numbers) or stored as JSON (without)."""
    return _Parser(source).answers(data)


# -- reading YAML with line numbers -------------------------------------------------------------


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of each key, for messages that point to it."""

    line: int | None = None
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    pairs = loader.construct_mapping(node, deep=True).items()
    mapping = _Mapping((str(key), value) for key, value in pairs)
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        str(loader.construct_object(key)): key.start_mark.line + 1 for key, _ in node.value
    }
    return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


# -- checking --------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, mapping: object, key: str | None, path: str, message: str) -> None:
        line = None
        if isinstance(mapping, _Mapping):
            line = mapping.key_lines.get(key, mapping.line) if key else mapping.line
        where = f"{self.source}, line {line}" if line else self.source
        self.problems.append(f"{where}: {path}: {message}")

    def answers(self, data: object) -> Answers:
        if not isinstance(data, Mapping):
            raise AnswersError(
                [
                    f"{self.source}: expected a mapping with use_case, lawfulness "
                    f"and risks, found {type(data).__name__}"
                ]
            )
        known = {"use_case", "lawfulness", "risks", "reassess_after_months"}
        for key in data:
            if key not in known:
                self.problem(
                    data, str(key), str(key), f"unknown key (known: {', '.join(sorted(known))})"
                )
        use_case = self.use_case(data)
        lawfulness = self.lawfulness(data)
        risks = self.risks(data)
        months = self.whole(
            data,
            "reassess_after_months",
            "reassess_after_months",
            1,
            12,
            default=DEFAULT_REASSESS_MONTHS,
        )
        if self.problems or use_case is None or lawfulness is None:
            raise AnswersError(self.problems)
        return Answers(use_case, lawfulness, tuple(risks), months, source=self.source)

    def use_case(self, data: Mapping[str, Any]) -> UseCase | None:
        section = data.get("use_case")
        if not isinstance(section, Mapping):
            self.problem(
                data,
                "use_case",
                "use_case",
                "missing: describe the purpose, data, deployment and model version assessed",
            )
            return None
        values: dict[str, str] = {}
        for key in section:
            if key not in UseCase.__dataclass_fields__:
                self.problem(section, str(key), f"use_case.{key}", "unknown key")
        for key in UseCase.__dataclass_fields__:
            value = section.get(key, "")
            if not isinstance(value, str):
                self.problem(section, key, f"use_case.{key}", "must be text")
            values[key] = str(value).strip()
        if not values["purpose"]:
            self.problem(section, "purpose", "use_case.purpose", "missing: say what it is used for")
        return UseCase(**values)

    def lawfulness(self, data: Mapping[str, Any]) -> Lawfulness | None:
        section = data.get("lawfulness")
        if not isinstance(section, Mapping):
            self.problem(
                data,
                "lawfulness",
                "lawfulness",
                "missing: the lawfulness gate "
                "(legal_basis, necessity, proportionality) is answered first",
            )
            return None
        for key in section:
            if key not in (*LAWFULNESS_KEYS, "lawful"):
                self.problem(section, str(key), f"lawfulness.{key}", "unknown key")
        statements: dict[str, str | None] = {}
        for key in LAWFULNESS_KEYS:
            value = section.get(key)
            path = f"lawfulness.{key}"
            if key not in section or value is None:
                self.problem(section, key, path, f"missing answer: {_PROMPTS[key]}, or false")
            elif value is False:
                statements[key] = None
            elif isinstance(value, str) and value.strip():
                statements[key] = value.strip()
            else:
                self.problem(section, key, path, f"{_PROMPTS[key]} as text, or false for no")
        lawful = section.get("lawful", True)
        if not isinstance(lawful, bool):
            self.problem(section, "lawful", "lawfulness.lawful", "must be true or false")
            lawful = True
        if len(statements) < len(LAWFULNESS_KEYS):
            return None
        return Lawfulness(**statements, lawful=lawful)

    def risks(self, data: Mapping[str, Any]) -> list[RiskAnswer]:
        entries = data.get("risks", [])
        if not isinstance(entries, list):
            self.problem(data, "risks", "risks", "must be a list of answers")
            return []
        asked = questionnaire()
        seen: set[str] = set()
        risks: list[RiskAnswer] = []
        for index, entry in enumerate(entries):
            path = f"risks[{index}]"
            if not isinstance(entry, Mapping):
                self.problem(data, "risks", path, "must be a mapping with id and present")
                continue
            qid = entry.get("id")
            if not isinstance(qid, str) or asked.risk(qid) is None:
                self.problem(
                    entry,
                    "id",
                    path,
                    f"unknown question id {qid!r} "
                    "(the ids are in vigil/governance/questionnaire.yaml)",
                )
                continue
            path = f"{path} ({qid})"
            if qid in seen:
                self.problem(entry, "id", path, "answered twice")
                continue
            seen.add(qid)
            risk = self.risk(entry, qid, path)
            if risk is not None:
                risks.append(risk)
        return risks

    def risk(self, entry: Mapping[str, Any], qid: str, path: str) -> RiskAnswer | None:
        known = {
            "id",
            "present",
            "likelihood",
            "severity",
            "mitigations",
            "residual_likelihood",
            "residual_severity",
        }
        for key in entry:
            if key not in known:
                self.problem(entry, str(key), f"{path}.{key}", "unknown key")
        present = entry.get("present")
        if not isinstance(present, bool):
            self.problem(entry, "present", f"{path}.present", "must be true or false")
            return None
        if not present:
            scored = sorted(key for key in known - {"id", "present"} if key in entry)
            if scored:
                self.problem(
                    entry,
                    scored[0],
                    path,
                    f"{', '.join(scored)} given for a risk that is not present",
                )
            return RiskAnswer(qid, present=False)
        before = len(self.problems)
        likelihood = self.whole(entry, "likelihood", f"{path}.likelihood", 1, 5)
        severity = self.whole(entry, "severity", f"{path}.severity", 1, 5)
        mitigations = entry.get("mitigations", [])
        if not isinstance(mitigations, list) or not all(
            isinstance(m, str) and m.strip() for m in mitigations
        ):
            self.problem(entry, "mitigations", f"{path}.mitigations", "must be a list of text")
            mitigations = []
        residual_l = self.whole(
            entry, "residual_likelihood", f"{path}.residual_likelihood", 1, 5, default=likelihood
        )
        residual_s = self.whole(
            entry, "residual_severity", f"{path}.residual_severity", 1, 5, default=severity
        )
        if len(self.problems) > before:
            return None
        if residual_l * residual_s > likelihood * severity:
            self.problem(
                entry,
                "residual_likelihood",
                path,
                "the residual score cannot exceed the inherent score",
            )
        elif not mitigations and residual_l * residual_s < likelihood * severity:
            # A lower residual score must be earned by a named mitigation.
            self.problem(
                entry,
                "mitigations",
                path,
                "a residual score below the inherent score needs at least one mitigation",
            )
        return RiskAnswer(
            qid,
            True,
            likelihood,
            severity,
            tuple(m.strip() for m in mitigations),
            residual_l,
            residual_s,
        )

    def whole(
        self,
        section: Mapping[str, Any],
        key: str,
        path: str,
        low: int,
        high: int,
        *,
        default: int | None = None,
    ) -> int:
        value = section.get(key, default)
        if value is None:
            self.problem(section, key, path, f"missing: a whole number from {low} to {high}")
            return low
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                section, key, path, f"must be a whole number from {low} to {high}, not {value!r}"
            )
            return low
        return value
