"""`vigil faces`: group the faces of a case that probably show the same person.

Groups are AI output: numbered, never named, each face still a suggestion a specialist
confirms or rejects with `vigil decide`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, fail, start_django

faces_app = typer.Typer(
    help="Group similar faces within a case (suggestions, never identities).",
    no_args_is_help=True,
)
app.add_typer(faces_app, name="faces")

CaseOption = Annotated[str, typer.Option("--case", help="Case name")]


@faces_app.command("cluster")
def cluster(
    case: CaseOption,
    user: Annotated[str, typer.Option("--user", help="The Vigil user grouping the faces")],
    threshold: Annotated[
        float, typer.Option(help="Largest average distance within a group (dlib: 0.6)")
    ] = 0.6,
) -> None:
    """Group the case's faces found by face_recognition; a new grouping keeps the old ones."""
    start_django()
    from vigil.accounts.services import agency_of
    from vigil.analyzers.registry import default_registry
    from vigil.cli.analyze import _user
    from vigil.faces.services import TOOL, NoFaces, cluster_case_faces
    from vigil.governance.standing import standing

    actor = _user(user)
    case_row = case_or_exit(case)

    # Grouping uses the tool's output for its approved purpose: a suspended or lapsed approval
    # stops it too.
    now = standing(default_registry().get(TOOL), agency_of(actor))
    if not now.allowed:
        raise fail(f"{TOOL} may not be used in casework now: {now.problem}", code=3)
    try:
        clustering = cluster_case_faces(case_row, actor=actor.username, threshold=threshold)
    except (NoFaces, ValueError) as error:
        raise fail(str(error)) from None
    groups = clustering.groups.count()
    shared = clustering.groups.filter(size__gt=1).count()
    console.print(
        f"{clustering.faces:,} faces in {groups:,} groups ({shared:,} with more than one face) "
        f"at threshold {clustering.threshold}."
    )
    for reason, count in sorted(clustering.skipped.items()):
        console.print(f"  left out: {count:,} ({reason})")
    console.print("Groups are suggestions: review them with `vigil faces ls`.")


@faces_app.command("ls")
def ls(
    case: CaseOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """The latest grouping of the case's faces, largest groups first."""
    start_django()
    from vigil.faces.services import latest_clustering

    clustering = latest_clustering(case_or_exit(case))
    if clustering is None:
        raise fail(f"the faces of case {case!r} have not been grouped: run `vigil faces cluster`")
    document = clustering_document(clustering)
    if as_json:
        print(json.dumps(document, indent=2))
        return
    table = Table(
        title=f"Face groups of {case} ({document['faces']:,} faces, threshold "
        f"{document['threshold']}; suggestions, not identities)"
    )
    for column in ("group", "faces", "spread", "suggestion", "item", "where"):
        table.add_column(column, overflow="fold")
    for group in document["groups"]:
        for position, face in enumerate(group["faces"]):
            first = position == 0
            table.add_row(
                str(group["number"]) if first else "",
                str(group["size"]) if first else "",
                f"{group['spread']:.2f}" if first else "",
                str(face["suggestion"]),
                face["item_path"] or face["sha256"][:12],
                _where(face),
            )
    console.print(table)


def clustering_document(clustering: Any) -> dict[str, Any]:
    groups = clustering.groups.order_by("number").prefetch_related("faces__item")
    return {
        "case": clustering.case.name,
        "created_at": clustering.created_at.isoformat(),
        "created_by": clustering.created_by,
        "tool": clustering.tool,
        "model_digest": clustering.model_digest,
        "threshold": clustering.threshold,
        "faces": clustering.faces,
        "skipped": clustering.skipped,
        "groups": [
            {
                "number": group.number,
                "size": group.size,
                "spread": group.spread,
                "faces": [
                    {
                        "suggestion": face.pk,
                        "sha256": face.blob_id,
                        "item_path": face.item.path if face.item else None,
                        "box": face.data.get("box"),
                        "keyframe": face.data.get("keyframe"),
                        "confidence": face.confidence,
                    }
                    for face in sorted(group.faces.all(), key=lambda face: face.pk)
                ],
            }
            for group in groups
        ],
    }


def _where(face: dict[str, Any]) -> str:
    box = "x{} y{} {}x{}".format(*face["box"]) if face.get("box") else ""
    keyframe = face.get("keyframe")
    return f"{box} at {keyframe['timestamp_s']:.1f} s" if keyframe else box
