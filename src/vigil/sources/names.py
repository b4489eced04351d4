"""Member-name safety: how a name recorded in an archive (or on a seized disk) is shown and
which of its traits an investigator should know about.

Vigil never writes a file by the name an archive gives it, so a hostile name cannot do harm
here; but the same name would, in another tool, write outside the extraction folder or look
like something it is not (a right-to-left override, U+202E, before "fdp.exe" makes an
executable read as "exe.pdf"). The warnings say so, and `printable` makes every such character
visible.

Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from vigil.core.issues import Issue

# Explicit directional embeddings, overrides and isolates, and the invisible LRM/RLM marks.
_BIDI_CLASS = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls and DEL, plus the line and paragraph separators that break a listing
# over lines just as a newline does.
_CONTROL_CLASS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
# Undecodable bytes arrive as lone surrogates U+DC80..U+DCFF (Python's surrogateescape); any
# other lone surrogate is shown escaped too, never passed on to a terminal or a page.
_SURROGATES_CLASS = "\ud800-\udfff"

_BIDI = re.compile(f"[{_BIDI_CLASS}]")
_CONTROL = re.compile(f"[{_CONTROL_CLASS}]")
_SURROGATES = re.compile(f"[{_SURROGATES_CLASS}]")
_UNSAFE = re.compile(f"[{_BIDI_CLASS}{_CONTROL_CLASS}{_SURROGATES_CLASS}]")

_SEPARATORS = re.compile(r"[/\\]")
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNC = re.compile(r"^[/\\]{2}[^/\\]")


def printable(text: str) -> str:
    """The name as it may safely be displayed: control, line-breaking and bidi characters as
    `\\u202e`-style escapes, undecodable bytes (surrogate-escaped) as `\\xNN`."""
    return _UNSAFE.sub(_escape, text)


def check_member_name(raw: str | bytes) -> tuple[str, list[Issue]]:
    """Returns the printable form of a member name and warnings about it.

    `raw` is either the name's bytes (decoded here as UTF-8) or text in which undecodable
    bytes are surrogate-escaped (as `os.fsdecode` and tarfile give them)."""
    text = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
    issues: list[Issue] = []
    if _SURROGATES.search(text):
        issues.append(_NOT_UTF8_ISSUE)
    issues.extend(_path_issues(text))
    if _CONTROL.search(text):
        issues.append(_CONTROL_ISSUE)
    if _BIDI.search(text):
        issues.append(_BIDI_ISSUE)
    if not unicodedata.is_normalized("NFC", text):
        issues.append(_NOT_NFC_ISSUE)
    return printable(text), issues


def link_escapes_root(member: str, target: str, *, relative_to_root: bool = False) -> bool:
    """Whether a link target points outside the archive's root folder.

    A symbolic link's target is relative to the folder holding the link; a tar hard link's
    target is relative to the archive root (`relative_to_root=True`). Both separators count,
    since the archive may have been made on Windows."""
    if _SEPARATORS.match(target) or _DRIVE.match(target):
        return True
    base: list[str] = [] if relative_to_root else _SEPARATORS.split(member)[:-1]
    depth = 0
    for segment in [*base, *_SEPARATORS.split(target)]:
        if segment in ("", "."):
            continue
        depth += -1 if segment == ".." else 1
        if depth < 0:
            return True
    return False


def _path_issues(text: str) -> list[Issue]:
    issues: list[Issue] = []
    if ".." in _SEPARATORS.split(text):
        issues.append(_TRAVERSAL_ISSUE)
    if _UNC.match(text) or _DRIVE.match(text):
        issues.append(_DRIVE_LETTER_ISSUE)
    elif _SEPARATORS.match(text):
        issues.append(_ABSOLUTE_ISSUE)
    return issues


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


_NO_EXTRACTION = (
    "Vigil never extracts by name, so the content is kept safely in the evidence store."
)

_TRAVERSAL_ISSUE = Issue.warning(
    "path_traversal",
    "The archive names this member with '..' (as '../' or '..\\'), which would write outside "
    f"the extraction folder; {_NO_EXTRACTION}",
)
_ABSOLUTE_ISSUE = Issue.warning(
    "absolute_path",
    "The archive names this member with an absolute path (starting with '/' or '\\'), which "
    f"would write anywhere on the examiner's disk; {_NO_EXTRACTION}",
)
_DRIVE_LETTER_ISSUE = Issue.warning(
    "drive_letter_path",
    "The archive names this member with a Windows drive letter or network share (such as "
    f"'C:' or '\\\\server'), which would write outside the extraction folder; {_NO_EXTRACTION}",
)
_CONTROL_ISSUE = Issue.warning(
    "control_characters",
    "The name contains control or line-breaking characters (shown as \\u escapes), which can "
    "hide or disguise parts of the name in other tools.",
)
_BIDI_ISSUE = Issue.warning(
    "bidi_characters",
    "The name contains right-to-left or other direction-changing characters (shown as \\u "
    "escapes), often used to disguise a file's real extension.",
)
_NOT_UTF8_ISSUE = Issue.warning(
    "not_utf8",
    "The name is not valid UTF-8 (an older or regional encoding, or a damaged name); the "
    "parts that could not be read are shown as \\x (byte) or \\u escapes.",
)
_NOT_NFC_ISSUE = Issue.warning(
    "unicode_not_nfc",
    "The name uses a decomposed Unicode form (NFD, as macOS writes it): it looks the same as "
    "the usual form but compares differently, so searches by name may miss it.",
)
