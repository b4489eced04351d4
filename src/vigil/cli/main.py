"""Entry point of the `vigil` command; each verb lives in its own module."""

from __future__ import annotations

from vigil.cli import cases, demo, init, items, triage, verify  # noqa: F401 - registers verbs
from vigil.cli.app import app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
