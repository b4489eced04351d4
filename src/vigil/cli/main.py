"""Entry point of the `vigil` command; each verb lives in its own module."""

from __future__ import annotations

from vigil.cli import (  # noqa: F401 - each import registers its verbs
    analyze,
    audit,
    cases,
    demo,
    export,
    hashlist,
    init,
    items,
    match,
    token,
    tools,
    triage,
    user,
    verify,
)
from vigil.cli.app import app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
