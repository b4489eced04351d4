"""`vigil token create --user NAME`: an API token, shown once, stored as a SHA-256."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.cli.app import app, console, fail, start_django

token_app = typer.Typer(help="API tokens for the REST API (/api/v1/).", no_args_is_help=True)


@token_app.command("create")
def create(
    user: Annotated[str, typer.Option("--user", help="The Vigil user the token acts as")],
    label: Annotated[str, typer.Option("--label", help="What the token is for")] = "",
) -> None:
    """Create a token; it is printed once and cannot be shown again."""
    start_django()
    from django.contrib.auth import get_user_model

    from vigil.audit.log import cli_actor, record
    from vigil.records.api.models import ApiToken

    account = get_user_model().objects.filter(username=user, is_active=True).first()
    if account is None:
        raise fail(f"no active Vigil user named {user!r}")
    row, token = ApiToken.issue(account, label)
    record(
        "token.create",
        actor=cli_actor(),
        purpose="api access",
        details={"user": user, "token_id": row.pk, "label": label},
    )
    console.print(token, markup=False, highlight=False)


app.add_typer(token_app, name="token")
