"""`vigil user`: the people of this instance's agency and the roles they hold."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, fail, start_django

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
    cases: Annotated[
        list[str] | None,
        typer.Option("--case", help="Make the user a member of this case; repeat for several"),
    ] = None,
) -> None:
    """Add a user with roles, or add roles to an existing user (the password is kept)."""
    start_django()
    from vigil.accounts.services import AccountError, add_user, agency_named
    from vigil.audit.log import cli_actor, record

    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    case_rows = [case_or_exit(name) for name in cases or []]
    try:
        place = agency_named(agency)
        user, created = add_user(username, roles, agency=place, password=password)
    except AccountError as error:
        raise fail(str(error)) from None
    for case in case_rows:
        _add_member(user, case)
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


@user_app.command("member")
def member(
    username: Annotated[str, typer.Argument(help="Login name")],
    case: Annotated[str, typer.Option("--case", help="Case name")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove instead of add")] = False,
) -> None:
    """Make a user a member of a case (or remove them): members alone see a case."""
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.records.accounts.models import CaseMembership

    account = _active_user(username)
    row = case_or_exit(case)
    if remove:
        CaseMembership.objects.filter(user=account, case=row).delete()
        record(
            "case.member_remove",
            actor=cli_actor(),
            case_name=row.name,
            purpose="case management",
            details={"username": username},
        )
        console.print(f"{username} is no longer a member of {row.name}.")
    else:
        _add_member(account, row)
        console.print(f"{username} is a member of {row.name}.")


@user_app.command("totp")
def totp(
    username: Annotated[str, typer.Argument(help="Login name")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Give a user a new authenticator key (a lost phone), replacing the old one. The key is
    printed once; without this, the user sets one up at their first web sign-in."""
    start_django()
    from vigil.accounts.signin import replace_devices, secret_base32
    from vigil.audit.log import cli_actor

    device = replace_devices(_active_user(username), actor=cli_actor())
    secret, uri = secret_base32(device), device.config_url
    if as_json:
        console.print_json(data={"username": username, "secret": secret, "otpauth_uri": uri})
    else:
        console.print(f"Authenticator key for {username} (shown once): {secret}", markup=False)
        console.print(uri, markup=False, highlight=False, soft_wrap=True)


@user_app.command("unlock")
def unlock(username: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Lift the lock that five failed sign-ins put on an account."""
    start_django()
    from vigil.accounts.signin import unlock as lift
    from vigil.audit.log import cli_actor

    had_lock = lift(_active_user(username), actor=cli_actor())
    console.print(f"{username} unlocked." if had_lock else f"{username} was not locked.")


def _active_user(username: str) -> Any:
    from django.contrib.auth.models import User

    account = User.objects.filter(username=username, is_active=True).first()
    if account is None:
        raise fail(f"no active Vigil user named {username!r} (see `vigil user ls`)")
    return account


def _add_member(user: Any, case: Any) -> None:
    from vigil.audit.log import cli_actor, record
    from vigil.records.accounts.models import CaseMembership

    _, created = CaseMembership.objects.get_or_create(
        user=user, case=case, defaults={"added_by": cli_actor()}
    )
    if created:
        record(
            "case.member_add",
            actor=cli_actor(),
            case_name=case.name,
            purpose="case management",
            details={"username": user.username},
        )


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
