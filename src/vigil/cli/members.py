"""`vigil members`: the hub's vetted community, for hub admins: requests, members, domains."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from vigil.cli.app import app, console, fail, start_django

members_app = typer.Typer(
    help="The hub's members and their requests (hub admins).", no_args_is_help=True
)
app.add_typer(members_app, name="members")


@members_app.command("approve")
def approve(email: Annotated[str, typer.Argument(help="The applicant's official e-mail")]) -> None:
    """Approve a pending membership request: the account is activated and told by e-mail."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.hub.community.membership import MembershipError, approve, pending_request

    try:
        member = approve(pending_request(email), by=cli_actor())
    except MembershipError as error:
        raise fail(str(error)) from None
    console.print(
        f"Approved {member.full_name} ({member.agency}, {member.country}); "
        f"they sign in as {member.user.username}."
    )


@members_app.command("reject")
def reject(
    email: Annotated[str, typer.Argument(help="The applicant's official e-mail")],
    reason: Annotated[str, typer.Option(help="Why; the applicant is told")],
) -> None:
    """Decline a pending membership request."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.hub.community.membership import MembershipError, pending_request, reject

    try:
        reject(pending_request(email), by=cli_actor(), reason=reason)
    except MembershipError as error:
        raise fail(str(error)) from None
    console.print(f"Declined the request from {email.strip()}.")


@members_app.command("ls")
def ls(
    pending: Annotated[bool, typer.Option("--pending", help="Pending requests instead")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List approved members (or, with --pending, the requests waiting for a decision)."""
    start_django()
    from vigil.records.community.models import HubMember, RegistrationRequest

    rows: list[dict[str, object]]
    if pending:
        waiting = RegistrationRequest.objects.filter(state=RegistrationRequest.State.PENDING)
        rows = [
            {
                "email": r.email,
                "full_name": r.full_name,
                "agency": r.agency_name,
                "country": r.country,
                "asked_at": r.created_at.isoformat(),
            }
            for r in waiting
        ]
    else:
        members = HubMember.objects.select_related("agency", "user")
        rows = [
            {
                "email": m.email,
                "full_name": m.full_name,
                "agency": m.agency.name,
                "country": m.country,
                "username": m.user.username,
                "active": m.user.is_active,
                "in_directory": m.in_directory,
            }
            for m in members
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} {'pending requests' if pending else 'members'}")
    columns = list(rows[0]) if rows else ["email", "full_name", "agency", "country"]
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[column]) for column in columns))
    console.print(table)


@members_app.command("allow-domain")
def allow_domain(
    country: Annotated[str, typer.Argument(help="ISO 3166 alpha-2 code, e.g. FR")],
    domain: Annotated[str, typer.Argument(help="Official e-mail domain, e.g. interieur.gouv.fr")],
) -> None:
    """Let people with an address at DOMAIN (or a subdomain) ask to join, for COUNTRY."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.hub.community.membership import MembershipError
    from vigil.hub.community.membership import allow_domain as allow

    try:
        entry = allow(country, domain, by=cli_actor())
    except MembershipError as error:
        raise fail(str(error)) from None
    console.print(f"{entry.domain} is allowed for {entry.country}.")
