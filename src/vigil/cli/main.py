"""Entry point of the `vigil` command; each verb lives in its own module."""

from __future__ import annotations

from vigil.cli import (  # noqa: F401 - each import registers its verbs
    analyze,
    audit,
    backup,
    cases,
    catalog,
    chats,
    demo,
    entities,
    evaluate,
    export,
    faces,
    hashlist,
    init,
    items,
    jobs,
    match,
    members,
    models,
    roots,
    serve,
    token,
    tools,
    triage,
    user,
    verify,
    worker,
)
from vigil.cli.app import app
from vigil.core.private import set_private_umask


def main() -> None:
    # First: whatever any verb creates (the home, the database, blobs, backups) is private.
    set_private_umask()
    app()


if __name__ == "__main__":
    main()
