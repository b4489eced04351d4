"""Evidence roots: the only folders Vigil reads evidence from, and the instance's own files,
which are never evidence whatever the roots say.

A path is admitted only once it is resolved (symlinks followed, `..` gone), exists, lies under
a declared root, and neither lies inside nor contains a protected path (the instance home, the
store, the database, the secret key, the model store). The check is made again when each file
is opened, on the file actually opened, so a folder swapped for a symlink after the walk reads
nothing. A refused path and a missing one get the same words: the answer must not tell a
caller what exists on the server.

No Django here: the worker processes apply the same policy.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REFUSAL = (
    "No evidence can be read at {path}: give an existing file or folder under an evidence "
    "root that an administrator declared."
)


class EvidenceRefused(ValueError):
    """The path is not admitted as evidence (missing, outside every root, or protected)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(REFUSAL.format(path=_printable(str(path))))
        self.path = str(path)


@dataclass(frozen=True, slots=True)
class EvidencePolicy:
    """Resolved evidence roots and protected paths. Plain and picklable."""

    roots: tuple[str, ...]
    protected: tuple[str, ...]

    @classmethod
    def build(cls, roots: Iterable[str | Path], protected: Iterable[str | Path]) -> EvidencePolicy:
        return cls(
            roots=tuple(dict.fromkeys(_resolved(root) for root in roots if str(root))),
            protected=tuple(dict.fromkeys(_resolved(path) for path in protected if str(path))),
        )

    def admit(self, path: str | Path, *, must_exist: bool = True) -> Path:
        """The resolved path of the evidence, or EvidenceRefused. With must_exist=False (a
        job queued for a share not mounted yet) a missing path is admitted when where it would
        lie is allowed: existing and missing paths still get the same answer."""
        raw = os.fspath(path)
        if not raw or "\x00" in raw or not os.path.isabs(raw):
            raise EvidenceRefused(raw)
        try:
            real = os.path.realpath(raw, strict=must_exist)
        except (OSError, ValueError):
            raise EvidenceRefused(raw) from None
        if not self.permits(real):
            raise EvidenceRefused(raw)
        return Path(real)

    def permits(self, real: str) -> bool:
        """Whether a resolved path may be read as evidence."""
        if not any(is_within(real, root) for root in self.roots):
            return False
        return not any(is_within(real, kept) or is_within(kept, real) for kept in self.protected)

    def permits_open(self, fd: int, path: str, source_root: str) -> bool:
        """Whether the file open on `fd` is inside the admitted source and not protected.
        Asks the kernel which file the descriptor is (/proc/self/fd), so no symlink swapped in
        after the walk can redirect the read; elsewhere, resolves the path again."""
        try:
            opened = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            opened = os.path.realpath(path)
        if not opened.startswith("/") or opened.endswith(" (deleted)"):
            return False
        return is_within(opened, source_root) and self.permits(opened)


def is_within(path: str, folder: str) -> bool:
    """Whether resolved `path` is `folder` or lies under it."""
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # one relative, one absolute: never within
        return False


def parse_roots(raw: str) -> list[str]:
    """VIGIL_EVIDENCE_ROOTS: absolute folders separated by the OS path separator (':')."""
    return [part.strip() for part in raw.split(os.pathsep) if part.strip()]


def _resolved(path: str | Path) -> str:
    return os.path.realpath(os.path.abspath(os.fspath(path)))


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:4096]
