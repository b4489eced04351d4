"""`vigil models`: the local model store (VIGIL_HOME/models). Vigil never downloads a model: an
administrator imports each file, with its licence and origin, and selects it for an analyzer.
Every import, selection and verification is written to the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, console, err_console, fail, start_django

models_app = typer.Typer(
    help="The local model store: import, list, select and verify model files.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")

AnalyzerOption = Annotated[
    str, typer.Option("--analyzer", help="The analyzer that uses it (see `vigil tools ls`)")
]
RoleOption = Annotated[
    str, typer.Option("--role", help="Which of the analyzer's models it is (see its error)")
]


def _audit(action: str, *, outcome: str = "ok", **details: Any) -> None:
    from vigil.audit.log import cli_actor, record

    record(action, actor=cli_actor(), outcome=outcome, purpose="model store", details=details)


def _check_takes_model(analyzer: str, role: str) -> None:
    """Only an analyzer that declares a stored model for `role` can be given one."""
    from vigil.analyzers.registry import default_registry
    from vigil.analyzers.stored_model import UsesStoredModels

    if not analyzer:
        return
    try:
        tool = default_registry().get(analyzer)
    except KeyError as error:
        raise fail(str(error.args[0])) from None
    roles = [r.role for r in tool.model_requirements] if issubclass(tool, UsesStoredModels) else []
    if role not in roles:
        takes = f"takes the roles {', '.join(roles)}" if roles else "takes no stored model"
        raise fail(f"{analyzer} {takes}, not {role!r}")


@models_app.command("import")
def import_model(
    path: Annotated[Path, typer.Argument(help="The model file (e.g. an .onnx file)")],
    name: Annotated[str, typer.Option("--name", help="What the model is, e.g. 'YOLOX-s COCO'")],
    licence: Annotated[str, typer.Option("--licence", help="Its licence, e.g. Apache-2.0")],
    origin: Annotated[str, typer.Option("--origin", help="Where the file came from")],
    analyzer: AnalyzerOption = "",
    role: RoleOption = "model",
    model_format: Annotated[
        str | None, typer.Option("--format", help="Model format (default: from the suffix)")
    ] = None,
) -> None:
    """Copy a model file into the store (read-only, under its SHA-256) and record it; with
    --analyzer, that analyzer uses it from now on (its approval must then be renewed)."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.store.models import ModelStoreError, default_model_store

    _check_takes_model(analyzer, role)
    try:
        stored = default_model_store().import_file(
            path,
            name=name,
            licence=licence,
            origin=origin,
            imported_by=cli_actor(),
            analyzer=analyzer,
            role=role,
            model_format=model_format,
        )
    except (ModelStoreError, OSError) as error:
        _audit("models.import", outcome="failed", file=path.name, reason=str(error))
        raise fail(str(error)) from None
    _audit("models.import", **stored.as_json())
    console.print(f"Imported {stored.name!r}: SHA-256 {stored.sha256}, {stored.size:,} bytes.")
    if analyzer:
        console.print(
            f"{analyzer} now uses it as its {role}. Its approval is bound to the model: "
            f"assess and approve it again (`vigil tools assess {analyzer} --user NAME`)."
        )


@models_app.command("use")
def use(
    digest: Annotated[str, typer.Argument(help="The model's SHA-256 (8+ leading digits do)")],
    analyzer: AnalyzerOption,
    role: RoleOption = "model",
) -> None:
    """Select an imported model for an analyzer (e.g. go back to an earlier one)."""
    start_django()
    from vigil.store.models import ModelStoreError, default_model_store

    _check_takes_model(analyzer, role)
    try:
        sha256 = default_model_store().select(digest, analyzer=analyzer, role=role)
    except ModelStoreError as error:
        raise fail(str(error)) from None
    _audit("models.select", sha256=sha256, analyzer=analyzer, role=role)
    console.print(f"{analyzer} now uses {sha256[:12]} as its {role}.")


@models_app.command("ls")
def ls(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False) -> None:
    """List the imported models, and which analyzer uses each."""
    from vigil.store.models import ModelStoreError, default_model_store

    store = default_model_store()
    try:
        used_by: dict[str, list[str]] = {}
        for key, sha256 in store.selection().items():
            used_by.setdefault(sha256, []).append(key)
    except ModelStoreError as error:
        raise fail(str(error)) from None
    rows = [
        {
            **record.as_json(),
            "path": str(store.path_of(record)),
            "used_by": used_by.get(record.sha256, []),
        }
        for record in store.records()
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print(f"No models imported (store: {store.root}).")
        return
    table = Table(title=f"Models in {store.root}")
    for column in ("SHA-256", "name", "format", "size", "licence", "origin", "used by"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["sha256"][:12],
            row["name"],
            row["format"],
            f"{row['size']:,}",
            row["licence"],
            row["origin"],
            ", ".join(row["used_by"]) or "-",
        )
    console.print(table)


@models_app.command("verify")
def verify() -> None:
    """Re-hash every stored model; exit 1 if any file changed or went missing."""
    start_django()
    from vigil.store.models import default_model_store

    store = default_model_store()
    problems = store.verify()
    checked = len(store.records())
    _audit(
        "models.verify",
        outcome="failed" if problems else "ok",
        checked=checked,
        problems=[f"{p.sha256[:12]}: {p.problem}" for p in problems],
    )
    for problem in problems:
        err_console.print(f"[red]{problem.sha256[:12]}[/red]: {problem.problem}")
    if problems:
        raise typer.Exit(1)
    console.print(f"{checked} model(s) verified: every file matches its SHA-256.")
