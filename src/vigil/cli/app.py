"""The Typer application and what every verb shares: consoles and Django start-up."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(
    name="vigil",
    help="Vigil: triage seized evidence, offline, with every file accounted for.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold evidence content
)

console = Console()
err_console = Console(stderr=True)


def start_django(*, refuse_wide_home: bool = False, must_exist: bool = False) -> None:
    """Django on VIGIL_HOME, after the home's modes are checked: a home other users can read
    is refused (exit 2) where `refuse_wide_home`, else named in a warning. With `must_exist`,
    a missing instance is refused (exit 2) instead of created: a mistyped VIGIL_HOME would
    otherwise give a new, empty one that checks out."""
    from vigil.config import ConfigError
    from vigil.records.bootstrap import setup_django

    check_private_home(refuse=refuse_wide_home)
    try:
        setup_django(must_exist=must_exist)
    except ConfigError as error:
        err_console.print(f"[red]Configuration error:[/red] {error}")
        raise typer.Exit(2) from None


def check_private_home(*, refuse: bool) -> None:
    from vigil import config
    from vigil.core.private import wide_home_message, wide_paths

    home = config.vigil_home()
    database = config.database_path(home)
    wide = wide_paths(
        [
            home,
            config.store_root(home),
            database,
            database.with_name(f"{database.name}-wal"),
            database.with_name(f"{database.name}-shm"),
            home / "secret_key",  # written by vigil.web.settings
        ]
    )
    if not wide:
        return
    # soft_wrap: the fix command is printed whole, to be copied, whatever the terminal's width.
    message = escape(wide_home_message(home, wide))
    if refuse:
        err_console.print(f"[red]Error:[/red] {message}", soft_wrap=True)
        raise typer.Exit(2)
    err_console.print(f"[yellow]Warning:[/yellow] {message}", soft_wrap=True)


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
