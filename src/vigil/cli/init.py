"""`vigil init`: create the instance folder, its database and evidence store."""

from __future__ import annotations

from vigil import config
from vigil.cli.app import app, console, start_django


@app.command()
def init() -> None:
    """Create (or bring up to date) the instance in VIGIL_HOME (default ./vigil-data), private
    to this user (0700); a home that other users can read is refused."""
    start_django(refuse_wide_home=True)
    from vigil.audit.log import cli_actor, record
    from vigil.pipeline.service import instance_store

    store = instance_store()
    home = config.vigil_home()
    # The first entry writes the anchor: from here on, verify can see a cut tail.
    record("instance.init", actor=cli_actor(), details={"home": str(home)})
    console.print(f"Instance ready in [bold]{home}[/bold]")
    console.print(f"  database   {config.database_path(home)}")
    console.print(f"  evidence   {store.blobs}")
