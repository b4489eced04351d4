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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
