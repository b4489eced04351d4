"""Walks a seized folder (or takes a single file) and yields every entry, in a stable order.

Read-only and careful: symlinks are recorded with their target and never followed, so nothing
outside the tree is ever read; special files (FIFOs, sockets, devices) are recorded, never
opened; a directory that cannot be listed becomes an entry with an error.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vigil.core.entries import EntryKind
from vigil.core.issues import Issue
from vigil.sources.names import check_member_name, printable


@dataclass(slots=True)
class FolderEntry:
    """One entry of the source. `relative` is a str with surrogate escapes for undecodable
    bytes (os.fsencode restores the exact on-disk name); `name` is its printable form."""

    relative: str
    name: str
    kind: EntryKind
    absolute: str
    size: int | None = None
    times: dict[str, str] = field(default_factory=dict)
    link_target: str | None = None
    issues: list[Issue] = field(default_factory=list)


def iso_utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def file_times(st: os.stat_result) -> dict[str, str]:
    # Linux's ctime is the inode change time, not creation; it is named for what it is.
    return {
        "modified": iso_utc(st.st_mtime),
        "accessed": iso_utc(st.st_atime),
        "changed": iso_utc(st.st_ctime),
    }


def walk_source(root: Path) -> Iterator[FolderEntry]:
    """Yields the entries under `root` (or `root` itself when it is a file), sorted by name."""
    root = Path(os.path.abspath(root))
    st = os.lstat(root)
    if not stat.S_ISDIR(st.st_mode):
        yield _entry(root.parent, root.name, st, root)
        return
    yield from _walk_directory(root, root)


def count_entries(root: Path) -> int:
    """A quick count for the progress bar: names only, no reads."""
    root = Path(os.path.abspath(root))
    if not root.is_dir() or root.is_symlink():
        return 1
    total = 0
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        total += 1
        except OSError:
            total += 1
    return total


def _walk_directory(root: Path, folder: Path) -> Iterator[FolderEntry]:
    try:
        with os.scandir(folder) as listing:
            names = sorted((entry.name for entry in listing), key=os.fsencode)
    except OSError as error:
        relative = os.path.relpath(folder, root)
        yield FolderEntry(
            relative=relative,
            name=printable(relative),
            kind="directory",
            absolute=str(folder),
            issues=[
                Issue.error(
                    "unreadable_directory",
                    f"The folder could not be listed ({error.strerror}); "
                    "files inside it, if any, are not accounted for.",
                )
            ],
        )
        return
    for name in names:
        path = folder / name
        try:
            st = os.lstat(path)
        except OSError as error:
            relative = os.path.relpath(path, root)
            yield FolderEntry(
                relative=relative,
                name=printable(relative),
                kind="file",
                absolute=str(path),
                issues=[
                    Issue.error("unreadable_file", f"Could not stat the entry: {error.strerror}")
                ],
            )
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk_directory(root, path)
        else:
            yield _entry(root, os.path.relpath(path, root), st, path)


def _entry(root: Path, relative: str, st: os.stat_result, path: Path) -> FolderEntry:
    display, name_issues = check_member_name(os.fsencode(relative))
    entry = FolderEntry(
        relative=relative,
        name=display,
        kind="file",
        absolute=str(path),
        size=st.st_size,
        times=file_times(st),
        issues=[issue for issue in name_issues if issue.code != "path_traversal"],
    )
    if stat.S_ISLNK(st.st_mode):
        entry.kind = "symlink"
        entry.size = None
        target = os.readlink(path)
        entry.link_target = printable(target)
        entry.issues.append(
            Issue.warning("symlink", "A symbolic link: recorded with its target, never followed.")
        )
        resolved = os.path.realpath(path)
        if os.path.commonpath([resolved, str(root)]) != str(root):
            entry.issues.append(
                Issue.warning(
                    "link_escapes_source",
                    "The link points outside the seized folder; Vigil did not read its target.",
                )
            )
    elif not stat.S_ISREG(st.st_mode):
        entry.kind = "special"
        entry.size = None
        entry.issues.append(
            Issue.warning(
                "special_file",
                "A device, FIFO or socket: recorded, never opened (reading could block or harm).",
            )
        )
    return entry
