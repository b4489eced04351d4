"""Grouping a case's stored faces (in-process, the session's database): synthetic embeddings
stand in for dlib's, spaced as its are (same person ~0.3 apart, different people ~0.85)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from vigil.analyzers.face_recognition.embedding import encode_embedding

if TYPE_CHECKING:
    from vigil.records.analysis.models import AnalysisRun, Suggestion
    from vigil.records.cases.models import Case

DIGEST = "d" * 64


@pytest.fixture
def case(django_instance: Path, case_name: str) -> Case:
    from vigil.records.cases.models import Case

    return Case.objects.create(name=case_name)


def _run(case: Case, digest: str = DIGEST) -> AnalysisRun:
    from django.utils import timezone

    from vigil.records.analysis.models import AnalysisRun

    return AnalysisRun.objects.create(
        case=case,
        tool="face_recognition",
        tool_version="1.0",
        model_digest=digest,
        started_by="ivan",
        status=AnalysisRun.Status.COMPLETE,
        finished_at=timezone.now(),
    )


def _face(case: Case, run: AnalysisRun, embedding: str) -> Suggestion:
    from vigil.records.analysis.models import Suggestion
    from vigil.records.cases.models import Blob

    sha = hashlib.sha256(f"{case.pk}-{embedding}-{run.pk}".encode()).hexdigest()
    blob, _ = Blob.objects.get_or_create(
        sha256=sha, defaults={"md5": "0" * 32, "sha1": "0" * 40, "size": 1}
    )
    return Suggestion.objects.create(
        run=run,
        case=case,
        blob=blob,
        tool="face_recognition",
        tool_version="1.0",
        model_digest=run.model_digest,
        label="face",
        confidence=0.7,
        data={"box": [1, 2, 3, 4], "embedding": embedding},
    )


def _people(sizes: list[int]) -> list[list[str]]:
    rng = np.random.default_rng(5)
    people = []
    for size in sizes:
        centre = rng.normal(size=128)
        centre *= 0.6 / np.linalg.norm(centre)
        faces = centre + rng.normal(scale=0.01, size=(size, 128))
        people.append([encode_embedding(face) for face in faces])
    return people


def test_groups_are_numbered_largest_first_and_the_run_is_audited(case: Case) -> None:
    from vigil.faces.services import cluster_case_faces
    from vigil.records.audit.models import AuditEntry

    run = _run(case)
    small, large = _people([1, 3])
    ids = {
        "small": [_face(case, run, e).pk for e in small],
        "large": [_face(case, run, e).pk for e in large],
    }
    clustering = cluster_case_faces(case, actor="ivan")
    groups = list(clustering.groups.order_by("number"))
    assert [(g.number, g.size) for g in groups] == [(1, 3), (2, 1)]
    assert sorted(f.pk for f in groups[0].faces.all()) == ids["large"]
    assert clustering.faces == 4 and clustering.skipped == {}
    entry = AuditEntry.objects.filter(action="faces.cluster", case_name=case.name).get()
    assert entry.details["groups"] == 2 and entry.actor == "ivan"


def test_faces_of_an_older_model_and_unreadable_embeddings_are_left_out_and_counted(
    case: Case,
) -> None:
    from vigil.faces.services import cluster_case_faces

    (person,) = _people([2])
    old = _run(case, digest="e" * 64)
    _face(case, old, person[0])
    new = _run(case)
    _face(case, new, person[1])
    _face(case, new, "not an embedding")
    clustering = cluster_case_faces(case, actor="ivan")
    assert clustering.model_digest == DIGEST and clustering.faces == 1
    assert clustering.skipped == {"older model": 1, "unreadable embedding": 1}


def test_a_case_without_a_face_recognition_run_says_what_to_run(case: Case) -> None:
    from vigil.faces.services import NoFaces, cluster_case_faces

    with pytest.raises(NoFaces, match="vigil analyze"):
        cluster_case_faces(case, actor="ivan")
    with pytest.raises(ValueError, match="threshold"):
        cluster_case_faces(case, actor="ivan", threshold=0)
