"""Groups face embeddings that probably show the same person: average-linkage agglomerative
clustering on Euclidean distance, stopped at a threshold. Pure numpy, no Django.

Why average linkage: single linkage (DBSCAN with one sample) chains different people through
look-alike faces in a large case; average linkage merges two groups only when their faces are
close *on average*. dlib's ResNet embeddings put the same person 0.3-0.45 apart and different
people 0.8+ apart; its authors' threshold is 0.6.

The result is deterministic (ties broken by the lowest index) and independent of the order of
the inputs up to the numbering of the groups, which follows the first face of each group.
Memory is one float32 distance matrix, n^2 x 4 bytes: MAX_FACES bounds it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DEFAULT_THRESHOLD = 0.6
MAX_FACES = 12_000  # a 576 MB distance matrix


class TooManyFaces(ValueError):
    """More faces than one clustering holds in memory."""


@dataclass(frozen=True, slots=True)
class FaceGroup:
    members: tuple[int, ...]  # indices into the input, ascending
    spread: float  # mean distance of the members to their centroid (0 for one face)


def cluster_embeddings(
    embeddings: npt.ArrayLike, *, threshold: float = DEFAULT_THRESHOLD
) -> list[FaceGroup]:
    """Groups the rows of `embeddings` (n x d); every face lands in exactly one group, groups
    ordered by their first member. Two groups merge while their average distance < threshold."""
    vectors = np.asarray(embeddings, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(
            f"embeddings must be a 2-D array (faces x dimensions), not {vectors.shape}"
        )
    if not np.isfinite(vectors).all():
        raise ValueError("embeddings hold NaN or infinite values")
    if not threshold > 0:
        raise ValueError(f"the threshold must be positive, not {threshold}")
    count = len(vectors)
    if count > MAX_FACES:
        raise TooManyFaces(
            f"{count:,} faces exceed the {MAX_FACES:,} that one clustering holds in memory"
        )
    if count == 0:
        return []
    groups = [_group(vectors, members) for members in _average_linkage(vectors, threshold)]
    return sorted(groups, key=lambda group: group.members[0])


def _average_linkage(vectors: npt.NDArray[np.float32], threshold: float) -> list[list[int]]:
    """Nearest-neighbour-chain agglomeration (O(n^2) time): average linkage is reducible, so
    merging reciprocal nearest neighbours gives the same tree as the textbook O(n^3) method."""
    distances = _pairwise(vectors)
    count = len(vectors)
    np.fill_diagonal(distances, np.inf)
    sizes = np.ones(count, dtype=np.float64)
    active = np.ones(count, dtype=bool)
    members: dict[int, list[int]] = {index: [index] for index in range(count)}
    finished: list[list[int]] = []
    chain: list[int] = []
    while active.sum() > 1:
        if not chain:
            chain.append(int(np.flatnonzero(active)[0]))
        current = chain[-1]
        row = np.where(active, distances[current], np.inf)
        nearest = int(np.argmin(row))  # lowest index among equals: deterministic
        if len(chain) > 1 and row[chain[-2]] <= row[nearest]:
            nearest = chain[-2]  # prefer the chain's predecessor on a tie, or the chain cycles
        if row[nearest] >= threshold:
            # Its nearest group is too far: no later merge can bring one closer (reducibility),
            # so this group is final.
            finished.append(members.pop(current))
            active[current] = False
            chain.clear()
            continue
        if len(chain) > 1 and nearest == chain[-2]:
            chain.pop()
            chain.pop()
            _merge(
                distances,
                sizes,
                active,
                members,
                keep=min(current, nearest),
                gone=max(current, nearest),
            )
            continue
        chain.append(nearest)
    finished.extend(members.values())
    return [sorted(group) for group in finished]


def _merge(
    distances: npt.NDArray[np.float32],
    sizes: npt.NDArray[np.float64],
    active: npt.NDArray[np.bool_],
    members: dict[int, list[int]],
    *,
    keep: int,
    gone: int,
) -> None:
    # Lance-Williams update for average linkage: size-weighted mean of the two rows.
    total = sizes[keep] + sizes[gone]
    merged = (distances[keep] * sizes[keep] + distances[gone] * sizes[gone]) / total
    distances[keep, :] = merged
    distances[:, keep] = merged
    distances[keep, keep] = np.inf
    distances[gone, :] = np.inf
    distances[:, gone] = np.inf
    sizes[keep] = total
    active[gone] = False
    members[keep] += members.pop(gone)


def _pairwise(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    squares = np.einsum("ij,ij->i", vectors, vectors)
    gram = vectors @ vectors.T
    distances = squares[:, None] + squares[None, :] - 2.0 * gram
    np.maximum(distances, 0.0, out=distances)  # rounding can dip just below zero
    return np.sqrt(distances, dtype=np.float32)


def _group(vectors: npt.NDArray[np.float32], members: list[int]) -> FaceGroup:
    faces = vectors[members]
    centroid = faces.mean(axis=0)
    spread = float(np.linalg.norm(faces - centroid, axis=1).mean())
    return FaceGroup(tuple(members), round(spread, 4))
