"""The Typer application and what every verb shares: consoles and Django start-up."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

app = typer.Typer(
    name="vigil",
    help="Vigil: triage seized evidence, offline, with every file accounted for.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold evidence content
)

console = Console()
err_console = Console(stderr=True)


def start_django() -> None:
    from vigil.config import ConfigError
    from vigil.records.bootstrap import setup_django

    try:
        setup_django()
    except ConfigError as error:
        err_console.print(f"[red]Configuration error:[/red] {error}")
        raise typer.Exit(2) from None


def fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]Error:[/red] {message}")
    return typer.Exit(code)


def case_or_exit(name: str) -> Any:
    """The case named on the command line, or exit 2 with a pointer to `vigil cases`."""
    from vigil.records.cases.models import Case

    try:
        return Case.objects.get(name=name)
    except Case.DoesNotExist:
        raise fail(f"no case named {name!r} (see `vigil cases`)") from None
