"""Likelihood × severity into four bands, and an assessment's level from its residual risks."""

from __future__ import annotations

import pytest

from vigil.governance.scoring import approvers_needed, band, highest, needs_legal_basis


@pytest.mark.parametrize(
    ("likelihood", "severity", "expected"),
    [
        (1, 1, "low"),
        (2, 2, "low"),  # 4: the top of low
        (1, 5, "medium"),  # 5: the bottom of medium
        (3, 3, "medium"),  # 9: the top of medium
        (2, 5, "high"),  # 10: the bottom of high
        (4, 4, "high"),  # 16: the top of high
        (4, 5, "very high"),  # 20: the next product after 16
        (5, 5, "very high"),
    ],
)
def test_the_score_falls_in_its_band(likelihood: int, severity: int, expected: str) -> None:
    assert band(likelihood, severity) == expected


def test_no_product_of_two_scores_lies_between_16_and_20() -> None:
    products = {likelihood * severity for likelihood in range(1, 6) for severity in range(1, 6)}
    assert not products & {17, 18, 19}


@pytest.mark.parametrize("bad", [0, 6, -1, True, 2.5, "3"])
def test_a_score_outside_one_to_five_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="likelihood must be a whole number from 1 to 5"):
        band(bad, 3)  # type: ignore[arg-type]


def test_the_level_is_the_worst_band_and_low_when_nothing_is_present() -> None:
    assert highest(["medium", "very high", "low"]) == "very high"
    assert highest([]) == "low"


def test_high_and_very_high_need_two_approvers_and_a_legal_basis_per_use() -> None:
    assert [approvers_needed(level) for level in ("low", "medium", "high", "very high")] == [
        1,
        1,
        2,
        2,
    ]
    assert not needs_legal_basis("medium") and needs_legal_basis("high")
