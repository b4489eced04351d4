"""Face grouping on synthetic 128-D embeddings, spaced like dlib's: the same person within
~0.4 of each other, different people ~0.8+ apart."""

from __future__ import annotations

import numpy as np
import pytest

from vigil.analyzers.face_recognition.clustering import (
    MAX_FACES,
    TooManyFaces,
    cluster_embeddings,
)

DIMENSIONS = 128


def _people(count: int, faces_each: int, *, spread: float = 0.15, seed: int = 7) -> np.ndarray:
    """`faces_each` embeddings around each of `count` random identities, person by person."""
    rng = np.random.default_rng(seed)
    identities = rng.normal(size=(count, DIMENSIONS))
    identities *= 0.6 / np.linalg.norm(identities, axis=1, keepdims=True)  # ~0.85 apart
    noise = rng.normal(size=(count, faces_each, DIMENSIONS))
    noise *= spread / np.linalg.norm(noise, axis=2, keepdims=True)
    return (identities[:, None, :] + noise).reshape(count * faces_each, DIMENSIONS)


def _partition(groups: list) -> set[frozenset[int]]:
    return {frozenset(group.members) for group in groups}


def test_faces_of_the_same_person_group_together_and_apart_from_others() -> None:
    faces = _people(count=4, faces_each=5)
    groups = cluster_embeddings(faces)
    expected = {frozenset(range(person * 5, person * 5 + 5)) for person in range(4)}
    assert _partition(groups) == expected
    assert all(0 < group.spread < 0.3 for group in groups)


def test_every_face_lands_in_exactly_one_group() -> None:
    faces = _people(count=6, faces_each=3)
    members = [index for group in cluster_embeddings(faces) for index in group.members]
    assert sorted(members) == list(range(len(faces)))


def test_faces_just_beyond_the_threshold_stay_apart_and_just_within_join() -> None:
    base = np.zeros(DIMENSIONS)
    step = np.zeros(DIMENSIONS)
    step[0] = 1.0
    within = cluster_embeddings([base, base + 0.59 * step], threshold=0.6)
    beyond = cluster_embeddings([base, base + 0.61 * step], threshold=0.6)
    assert _partition(within) == {frozenset({0, 1})}
    assert _partition(beyond) == {frozenset({0}), frozenset({1})}


def test_a_chain_of_look_alikes_does_not_merge_two_distant_people() -> None:
    # a, b, c, d, e on a line 0.5 apart: single linkage would make one group of all five
    # (each neighbour within 0.6), although a and e are 2.0 apart.
    line = np.zeros((5, DIMENSIONS))
    line[:, 0] = np.arange(5) * 0.5
    groups = cluster_embeddings(line, threshold=0.6)
    assert len(groups) > 1
    assert not any({0, 4} <= set(group.members) for group in groups)


def test_the_grouping_is_deterministic_and_does_not_depend_on_the_input_order() -> None:
    faces = _people(count=5, faces_each=4, seed=11)
    order = np.random.default_rng(3).permutation(len(faces))
    shuffled = cluster_embeddings(faces[order])
    back = {frozenset(int(order[i]) for i in group.members) for group in shuffled}
    assert back == _partition(cluster_embeddings(faces))
    assert cluster_embeddings(faces) == cluster_embeddings(faces)


def test_groups_are_numbered_by_their_first_face() -> None:
    faces = _people(count=3, faces_each=2)[[4, 0, 2, 5, 1, 3]]
    firsts = [group.members[0] for group in cluster_embeddings(faces)]
    assert firsts == sorted(firsts) == [0, 1, 2]


def test_no_faces_make_no_groups_and_one_face_makes_one() -> None:
    assert cluster_embeddings(np.zeros((0, DIMENSIONS))) == []
    (only,) = cluster_embeddings(np.ones((1, DIMENSIONS)))
    assert only.members == (0,) and only.spread == 0


@pytest.mark.parametrize(
    ("embeddings", "message"),
    [
        (np.zeros(DIMENSIONS), "2-D"),
        (np.full((2, DIMENSIONS), np.nan), "NaN"),
    ],
)
def test_malformed_embeddings_are_refused_with_a_reason(
    embeddings: np.ndarray, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        cluster_embeddings(embeddings)


def test_more_faces_than_memory_allows_are_refused_before_any_work() -> None:
    too_many = np.broadcast_to(np.zeros(DIMENSIONS, dtype=np.float32), (MAX_FACES + 1, DIMENSIONS))
    with pytest.raises(TooManyFaces, match="exceed"):
        cluster_embeddings(too_many)
