"""`vigil user`: the people of this instance's agency and the roles they hold."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

user_app = typer.Typer(help="Add and list users and their roles.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name")],
    roles: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="investigator, reviewer, supervisor, governance_officer, agency_admin or "
            "hub_admin; repeat for several",
        ),
    ],
    agency: Annotated[
        str | None, typer.Option(help="Agency name (default: this instance's agency)")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Add a user with roles, or add roles to an existing user (the password is kept)."""
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.web.accounts.services import AccountError, add_user, agency_named

    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        place = agency_named(agency)
        user, created = add_user(username, roles, agency=place, password=password)
    except AccountError as error:
        raise fail(str(error)) from None
    held = sorted(set(roles))
    record(
        "accounts.user_add",
        actor=cli_actor(),
        details={
            "username": user.username,
            "agency": place.name,
            "roles": held,
            "created": created,
        },
    )
    if created:
        console.print(f"Added {user.username} to {place} as {', '.join(held)}.")
    else:
        kept = " (password unchanged)" if password_stdin else ""
        console.print(f"{user.username} now also holds {', '.join(held)} at {place}{kept}.")


@user_app.command("ls")
def ls() -> None:
    """List users with their agency and roles."""
    start_django()
    from django.contrib.auth.models import User

    table = Table(title="Users")
    for column in ("user", "agency", "roles", "active", "last login (UTC)"):
        table.add_column(column)
    users = User.objects.order_by("username").prefetch_related("memberships__agency")
    for user in users:
        by_agency: dict[str, list[str]] = {}
        for membership in user.memberships.all():
            by_agency.setdefault(membership.agency.name, []).append(membership.role)
        last = user.last_login.strftime("%Y-%m-%d %H:%M") if user.last_login else "never"
        for place, held in sorted(by_agency.items()) or [("-", [])]:
            table.add_row(
                user.username,
                place,
                ", ".join(sorted(held)) or "-",
                "yes" if user.is_active else "no",
                last,
            )
    console.print(table)
