"""`vigil tools evaluate`: a tool's precision, recall and accuracy on a labelled folder.

The figures belong in the tool's model card: `--save` writes them to evaluation.json beside
MODEL_CARD.md. The folder is test data, not a case; the run is audit-logged all the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import console, fail, start_django
from vigil.cli.tools import _tool, tools_app

EVALUATION_FILE = "evaluation.json"


@tools_app.command("evaluate")
def evaluate(
    name: Annotated[str, typer.Argument(help="Tool name")],
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            exists=True,
            file_okay=False,
            resolve_path=True,
            help="Folder with the files and labels.csv (file,labels) or labels.json",
        ),
    ],
    user: Annotated[str, typer.Option("--user", help="The Vigil user evaluating the tool")],
    fact: Annotated[
        str | None, typer.Option("--fact", help="Compare this fact (deterministic tools)")
    ] = None,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Ignore weaker output")
    ] = 0.0,
    save: Annotated[
        bool, typer.Option("--save", help=f"Write {EVALUATION_FILE} beside the model card")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write the figures as JSON to this file")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
) -> None:
    """Run a tool on a labelled folder and report how often it is right, label by label."""
    start_django()
    from vigil.audit.log import record
    from vigil.cli.analyze import _user
    from vigil.governance.evaluation import LabelsError
    from vigil.governance.evaluation import evaluate as run_evaluation

    actor = _user(user)
    tool = _tool(name)
    missing = tool.missing_dependency()
    if missing:
        raise fail(f"{name} cannot run here: {missing}")
    try:
        result = run_evaluation(tool, data, fact=fact, min_confidence=min_confidence)
    except (LabelsError, ValueError) as error:
        raise fail(str(error)) from None
    document = result.as_dict()
    document["parameters"] = {"fact": fact, "min_confidence": min_confidence}
    saved = output or (tool.package_dir() / EVALUATION_FILE if save else None)
    if saved is not None:
        try:
            saved.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise fail(f"could not write {saved}: {error.strerror}") from None
    record(
        "tools.evaluate",
        actor=actor.username,
        purpose="measure a tool on labelled data",
        details={
            "tool": name,
            "tool_version": result.version,
            "model_digest": result.model_digest,
            "data": result.data,
            "labels_sha256": result.labels_sha256,
            "files": result.files,
            "overall": document["overall"],
            "saved": str(saved) if saved else None,
        },
    )
    if as_json:
        print(json.dumps(document, indent=2))
        return
    _print(document)
    if saved:
        console.print(f"Written to {saved}: cite it in the model card's Evaluation section.")


def _print(document: dict[str, Any]) -> None:
    def shown(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    table = Table(
        title=f"{document['analyzer']} {document['version']} on {document['data']}: "
        f"{document['files']:,} files, {document['failed']:,} with errors"
    )
    for column in ("label", "TP", "FP", "FN", "TN", "precision", "recall", "accuracy"):
        table.add_column(column, justify="left" if column == "label" else "right")
    rows = [*document["per_label"].items(), ("overall (micro)", document["overall"])]
    for label, figures in rows:
        table.add_row(
            label,
            *(
                str(figures[key])
                for key in (
                    "true_positives",
                    "false_positives",
                    "false_negatives",
                    "true_negatives",
                )
            ),
            shown(figures["precision"]),
            shown(figures["recall"]),
            shown(figures["accuracy"]),
        )
    console.print(table)
    console.print(
        f"Files with exactly the expected labels: {shown(document['exact_match_accuracy'])}"
    )
