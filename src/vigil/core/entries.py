"""What sources and archive expansion report about one entry of a seizure.

Sources and workers exchange these plain, picklable records; nothing here touches Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from vigil.core.hashing import Digests
from vigil.core.issues import Issue

EntryKind = Literal["file", "symlink", "hardlink", "directory", "special"]


@dataclass(slots=True)
class MemberEntry:
    """One member of an archive, already streamed into the evidence store when it has content.

    `name` is the member name as the archive records it, made printable (see
    `vigil.sources.names.printable`); `digests` is None when the content could not be read
    (encrypted, corrupt, over a limit), and then `issues` holds an error saying why.
    `times` maps "modified" / "accessed" / "created" to ISO 8601 strings: with an offset when
    the archive records UTC, without one (and a `naive_time` warning) when it records local time.
    """

    name: str
    kind: EntryKind
    declared_size: int | None
    times: dict[str, str] = field(default_factory=dict)
    link_target: str | None = None
    digests: Digests | None = None
    issues: list[Issue] = field(default_factory=list)
    # Where a member of a media image lay: volume, file system, inode, deleted, stream.
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ArchiveExpansion:
    """The members of one archive plus problems of the archive as a whole (encrypted, corrupt,
    entry count or total size over the limit). Members are in archive order."""

    format: str
    members: list[MemberEntry] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # Of a media image: its format and volumes, the acquisition check.
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Guards against archive bombs. Defaults suit real seizures: a phone backup zip can hold
    hundreds of thousands of members and tens of GB; a bomb expands by thousands of times."""

    max_depth: int = 3
    max_entries: int = 200_000
    max_total_bytes: int = 64 * 1024**3
    max_member_bytes: int = 16 * 1024**3
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1024 * 1024
