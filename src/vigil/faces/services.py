"""Grouping a case's faces: read the embeddings that face_recognition suggested, group them
(vigil.analyzers.face_recognition.clustering), store the groups, write the audit log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from vigil.analyzers.face_recognition.clustering import DEFAULT_THRESHOLD, cluster_embeddings
from vigil.analyzers.face_recognition.embedding import decode_embedding
from vigil.audit.log import record
from vigil.records.analysis.models import AnalysisRun, Decision, Suggestion
from vigil.records.cases.models import Case
from vigil.records.faces.models import FaceCluster, FaceClustering

TOOL = "face_recognition"


class NoFaces(Exception):
    """The case has no face embeddings to group: face_recognition has not run on it."""


@dataclass(frozen=True, slots=True)
class _Faces:
    ids: list[int]
    vectors: np.ndarray
    skipped: Counter[str]


def cluster_case_faces(
    case: Case, *, actor: str, threshold: float = DEFAULT_THRESHOLD
) -> FaceClustering:
    """Groups the faces of the case's latest face_recognition model. Faces a reviewer rejected
    are left out; faces from an older model are left out (their embeddings are not comparable)
    and counted. Raises NoFaces when there is nothing to group, ValueError on a bad threshold."""
    if not 0 < threshold < 2:
        raise ValueError(f"the threshold must lie between 0 and 2, not {threshold}")
    latest = (
        AnalysisRun.objects.filter(case=case, tool=TOOL, status=AnalysisRun.Status.COMPLETE)
        .order_by("-finished_at", "-id")
        .first()
    )
    if latest is None:
        raise NoFaces(
            f"no completed {TOOL} run in case {case.name}: run `vigil analyze --case "
            f"{case.name} --tool {TOOL}` first"
        )
    faces = _faces(case, latest.model_digest)
    groups = cluster_embeddings(faces.vectors, threshold=threshold)
    ranked = sorted(groups, key=lambda group: (-len(group.members), group.members[0]))
    with transaction.atomic():
        clustering = FaceClustering.objects.create(
            case=case,
            tool=TOOL,
            model_digest=latest.model_digest,
            threshold=threshold,
            faces=len(faces.ids),
            skipped=dict(faces.skipped),
            created_by=actor,
        )
        for number, group in enumerate(ranked, start=1):
            row = FaceCluster.objects.create(
                clustering=clustering, number=number, size=len(group.members), spread=group.spread
            )
            row.faces.set([faces.ids[index] for index in group.members])
    record(
        "faces.cluster",
        actor=actor,
        case_name=case.name,
        purpose="group similar faces",
        details={
            "clustering": clustering.pk,
            "model_digest": latest.model_digest,
            "threshold": threshold,
            "faces": len(faces.ids),
            "groups": len(ranked),
            "skipped": dict(faces.skipped),
        },
    )
    return clustering


def _faces(case: Case, model_digest: str) -> _Faces:
    rows = Suggestion.objects.filter(case=case, tool=TOOL, label="face").order_by("id")
    rejected = _rejected(case)
    ids: list[int] = []
    vectors: list[np.ndarray] = []
    skipped: Counter[str] = Counter()
    for suggestion_id, digest, data in rows.values_list("id", "model_digest", "data"):
        if digest != model_digest:
            skipped["older model"] += 1
        elif suggestion_id in rejected:
            skipped["rejected by a reviewer"] += 1
        else:
            try:
                vectors.append(decode_embedding(data.get("embedding", "")))
            except (ValueError, AttributeError):
                skipped["unreadable embedding"] += 1
                continue
            ids.append(suggestion_id)
    matrix = np.vstack(vectors) if vectors else np.zeros((0, 128), dtype=np.float32)
    return _Faces(ids, matrix, skipped)


def _rejected(case: Case) -> set[int]:
    """Faces whose latest decision is a rejection (a later confirmation reinstates one)."""
    latest: dict[int, str] = {}
    decisions = Decision.objects.filter(suggestion__case=case, suggestion__tool=TOOL).order_by(
        "decided_at", "id"
    )
    for suggestion_id, verdict in decisions.values_list("suggestion_id", "verdict"):
        latest[suggestion_id] = verdict
    return {sid for sid, verdict in latest.items() if verdict == Decision.Verdict.REJECTED}


def latest_clustering(case: Case) -> FaceClustering | None:
    return FaceClustering.objects.filter(case=case).order_by("-created_at", "-id").first()
