"""The instance folder is private to the user Vigil runs as: folders 0700, files 0600.

It holds the evidence, the accounts' TOTP seeds and the secret key, so no other local user may
read it. Every entry point sets a private umask, so whatever Vigil creates is private whatever
the operator's umask; `wide_paths` finds a home made (or loosened) outside Vigil.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
WIDE_BITS = stat.S_IRWXG | stat.S_IRWXO


def set_private_umask() -> None:
    os.umask(PRIVATE_UMASK)


def wide_paths(paths: Iterable[Path]) -> list[tuple[Path, int]]:
    """Those of `paths` that exist and give group or others any bit, with their modes.

    Links are followed: what matters is the folder or file that is reached."""
    if os.name != "posix":  # pragma: no cover - modes mean nothing there
        return []
    wide = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & WIDE_BITS:
            wide.append((path, mode))
    return wide


def fix_command(home: Path) -> str:
    return f"chmod -R go-rwx {shlex.quote(str(home))}"


def wide_home_message(home: Path, wide: list[tuple[Path, int]]) -> str:
    named = ", ".join(f"{path} ({stat.filemode(mode)})" for path, mode in wide)
    return (
        f"the instance folder {home} is open to other users: {named}. It holds the evidence "
        f"and the accounts' secrets; make it private with: {fix_command(home)}"
    )
