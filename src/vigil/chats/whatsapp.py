"""WhatsApp "Export chat" text files, alone or in the ZIP WhatsApp shares (`_chat.txt` on iOS,
`WhatsApp Chat with X.txt` on Android, with the media beside it).

One message per header line, in the phone's locale: `[12/09/2020, 23:55:01] Name: text` (iOS)
or `12/09/2020, 23:55 - Name: text` (Android); day-first or month-first dates with `/`, `.`
or `-` and 2- or 4-digit years, 24 h or 12 h clocks (AM/PM, a. m./p. m., often after a narrow
no-break space), with or without seconds. Lines that do not start with a header continue the
message before them. Android writes group events without an author ("Alice added Bob"); iOS
writes them under the chat's own name, their text starting with a left-to-right mark.

The date order is decided over the whole file (a first field over 12 proves day-first, a second
one month-first) before any message is yielded, so the file is read twice. Times are the
exporting phone's clock without an offset: kept as written and flagged local. There are no
message ids: a message is known by the line its header is on. Senders are known by their name
only, as the exporting phone shows it (a contact name or a phone number).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from vigil.chats.jsonstream import Opener
from vigil.chats.paths import safe_relative_path
from vigil.chats.records import (
    AttachmentRef,
    AttachmentStatus,
    ChatEvent,
    ConversationRecord,
    ImportWarning,
    MessageRecord,
    ParticipantRecord,
    Platform,
    with_attachment_warnings,
)

ZIP_MAGIC = b"PK\x03\x04"
MAX_LINE_CHARS = 1024 * 1024  # a longer line is read in pieces, each continuing the message
_MAX_TEXT_MEMBERS = 8  # .txt members of a ZIP tried, beyond the named ones
# Bidirectional marks and embeddings: WhatsApp puts LRM/RLM at line and text starts and wraps
# phone numbers in LRE..PDF; none of them is content.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _stamp(prefix: str) -> str:
    """Date, time and AM/PM of a header, its groups named with `prefix` (one per form)."""
    date = (
        rf"(?P<{prefix}d1>\d{{1,4}})(?P<{prefix}sep>[./-])(?P<{prefix}d2>\d{{1,2}})"
        rf"(?P={prefix}sep)(?P<{prefix}d3>\d{{1,4}})\.?"
    )
    time = (
        rf"(?P<{prefix}hour>\d{{1,2}})[:.](?P<{prefix}minute>\d{{2}})"
        rf"(?:[:.](?P<{prefix}second>\d{{2}}))?"
    )
    # 9:05 PM, 9:05 pm, 9:05 p. m., 9:05 p.m.; \s also takes the narrow no-break space.
    ampm = rf"(?:\s?(?P<{prefix}ampm>[AaPp])\.?\s?[Mm]\.?)?"
    return date + r",?\s(?:klo\s)?" + time + ampm


# iOS: "[date, time] rest"; Android: "date, time - rest".
HEADER = re.compile(
    r"^(?:\[" + _stamp("") + r"\]\s(?P<ios>.*)|" + _stamp("a_") + r"\s[-\u2013]\s(?P<android>.*))$",
    re.DOTALL,
)
_NAMED_MEMBER = re.compile(r"(?:^_chat|whatsapp).*\.txt$", re.IGNORECASE)
_TITLE_FROM_NAME = (
    re.compile(
        r"^WhatsApp[- ]Chat\s*(?:with|mit|met|avec|-)\s*(?P<title>.+?)(?:\.txt|\.zip)?$", re.I
    ),
    re.compile(
        r"^(?:Chat|Conversa) (?:de|do|di|du) WhatsApp (?:con|com|avec|with) "
        r"(?P<title>.+?)(?:\.txt|\.zip)?$",
        re.I,
    ),
)

# Attachments. iOS: "<attached: 00000012-PHOTO-2020-01-01-10-00-00.jpg>", after an optional
# caption ("report.pdf • 3 pages"); Android: "IMG-20200101-WA0001.jpg (file attached)" (the
# note is translated), then the caption on the next lines.
_IOS_ATTACHED = re.compile(r"<attached:\s*(?P<name>[^<>]+?)\s*>")
_ANDROID_ATTACHED = re.compile(
    r"^(?P<name>(?:(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+\S*\.\w{1,8})|\S[^\n]*?\.\w{1,8})"
    r"\s\((?P<note>[^()\n]+)\)$"
)
_ANDROID_NOTE = re.compile(
    r"file attached|datei angehängt|archivo adjunto|fichier joint|arquivo anexado|"
    r"file allegato|bestand bijgevoegd|plik załączony|dosya ekli|файл прикреплен|"
    r"fail dilampirkan|berkas terlampir",
    re.IGNORECASE,
)
_OMITTED = re.compile(
    r"^(?:<(?:media omitted|medien ausgeschlossen|multimedia omitido|médias omis|"
    r"mídia oculta|media omessi|media weggelaten|без медиафайлов)>|"
    r"(?P<kind>image|video|audio|sticker|GIF|document|Contact card) omitted)$",
    re.IGNORECASE,
)
_KIND_BY_WORD = {
    "PHOTO": "photo",
    "IMG": "photo",
    "IMAGE": "photo",
    "VIDEO": "video",
    "VID": "video",
    "AUDIO": "audio",
    "AUD": "audio",
    "PTT": "voice",
    "STICKER": "sticker",
    "STK": "sticker",
    "GIF": "gif",
    "DOC": "file",
    "DOCUMENT": "file",
    "CONTACT CARD": "contact",
}
_EDITED = re.compile(
    r"\s*<(?:this message was edited|diese nachricht wurde bearbeitet|"
    r"se editó este mensaje|ce message a été modifié)>$",
    re.IGNORECASE,
)
_DELETED = re.compile(
    r"^(?:this message was deleted|you deleted this message|"
    r"diese nachricht wurde gelöscht|se eliminó este mensaje|ce message a été supprimé)\.?$",
    re.IGNORECASE,
)
# English system notices, for naming the action; any line without an author is one anyway.
_SYSTEM_ACTIONS = (
    ("encryption", re.compile(r"end-to-end encrypt", re.I)),
    ("group_created", re.compile(r"\bcreated (?:the )?group\b|\bcreated this group\b", re.I)),
    (
        "subject_changed",
        re.compile(r"\bchanged (?:the subject|the group name|this group's name)", re.I),
    ),
    ("description_changed", re.compile(r"\bchanged the group description", re.I)),
    ("icon_changed", re.compile(r"\b(?:changed|deleted) (?:this|the) group(?:'s)? icon", re.I)),
    ("member_joined", re.compile(r"\bjoined using this group's invite link|\bjoined\b", re.I)),
    ("member_added", re.compile(r"\badded\b", re.I)),
    ("member_removed", re.compile(r"\bremoved\b", re.I)),
    ("member_left", re.compile(r"\bleft$", re.I)),
    ("security_code_changed", re.compile(r"security code", re.I)),
    ("number_changed", re.compile(r"changed (?:their|your) phone number|changed to \+?\d", re.I)),
    ("disappearing_messages", re.compile(r"disappearing messages", re.I)),
    ("admin_changed", re.compile(r"\badmin\b", re.I)),
    ("missed_call", re.compile(r"^missed (?:voice|video|group voice|group video) call", re.I)),
)
# A group-event line with a colon in it would read as "Name: text" ("Alice changed the subject
# to "a: b""): an "author" holding one of these is no author.
_AUTHOR_IS_EVENT = re.compile(r" (?:changed|created|added|removed) ", re.I)
_LOCATION = re.compile(r"^(?:live )?location: ", re.I)
_GROUP_TITLE = re.compile(r"\bcreated (?:the )?group [\"“«](?P<title>[^\"”»]+)[\"”»]", re.I)


def title_from_file_name(name: str) -> str:
    """The chat's name from the export's file name ("WhatsApp Chat with Bob.txt" → "Bob")."""
    base = posixpath.basename(name.replace("\\", "/"))
    for pattern in _TITLE_FROM_NAME:
        match = pattern.match(base)
        if match:
            return match.group("title").strip()
    return ""


def strip_marks(text: str) -> str:
    return _BIDI.sub("", text)


def match_header(line: str) -> re.Match[str] | None:
    """The header of a message line. The marks after the header are kept (a text starting with
    one tells iOS events and media apart); the ones inside it are not part of the stamp."""
    start = line.lstrip("\ufeff\u200e\u200f")
    return HEADER.match(start) or HEADER.match(strip_marks(start))


def looks_like_whatsapp(head: str) -> bool:
    """A WhatsApp text export from its first lines: the first non-empty line is a message
    header with a possible date and time, and so is another line when the head has several."""
    lines = [line for line in head.splitlines() if line.strip()]
    if not lines:
        return False
    first = match_header(lines[0])
    fields = _fields(first) if first is not None else None
    if first is None or fields is None:
        return False
    rest = "ios" if first.group("ios") is not None else "android"
    if fields[1] and "," not in first.string[: first.start(rest)]:
        return False  # "[2020-01-01 10:00:00] INFO: ..." is how logs begin
    complete = lines if head.endswith(("\n", "\r")) or len(head) < 1024 else lines[:-1]
    if len(complete) <= 1:
        return True
    return any(match_header(line) is not None for line in complete[1:])


def whatsapp_chat_member(archive: zipfile.ZipFile) -> str | None:
    """The chat text member of a WhatsApp export ZIP: `_chat.txt` or a `WhatsApp Chat ...txt`
    named so (kept even when it cannot be read: it is then the reader's to report), else a
    .txt member whose first lines are WhatsApp's."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    texts = [info for info in infos if info.filename.lower().endswith(".txt")]
    named = sorted(
        (info for info in texts if _NAMED_MEMBER.search(posixpath.basename(info.filename))),
        key=lambda info: (info.filename.count("/"), info.filename),
    )
    others = [info for info in texts if info not in named][:_MAX_TEXT_MEMBERS]
    for info in named:
        head = _member_head(archive, info)
        if head is None or looks_like_whatsapp(head):
            return info.filename
    for info in others:
        head = _member_head(archive, info)
        if head is not None and looks_like_whatsapp(head):
            return info.filename
    return None


def _member_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """The first 16 KiB of a member as text, or None when it cannot be read."""
    if info.flag_bits & 0x1:  # encrypted
        return None
    try:
        with archive.open(info) as member:
            data = member.read(16 * 1024)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        return None
    except zlib.error:
        return None
    return data.decode("utf-8", errors="ignore")


# -- reading -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Header:
    line: int
    fields: tuple[int, int, int]
    year_first: bool
    two_digit_year: bool
    clock: tuple[int, int, int, str]  # hour, minute, second, "a"/"p"/""
    author: str | None
    text: str
    marked: bool  # the text began with a left-to-right mark (iOS events and media)
    ios: bool


@dataclass(slots=True)
class _Survey:
    """What the first pass learns from the whole file."""

    headers: int = 0
    lines_before_first: int = 0
    day_first_proof: int = 0  # headers whose first field is over 12
    month_first_proof: int = 0  # headers whose second field is over 12
    backwards: dict[bool, int] = field(default_factory=lambda: {True: 0, False: 0})
    previous: dict[bool, tuple[int, ...]] = field(default_factory=dict)
    speakers: set[str] = field(default_factory=set)  # authors of at least one plain message
    marked_only: dict[str, int] = field(default_factory=dict)  # authors of marked lines
    group_title: str = ""
    group_events: int = 0
    ios: int = 0
    replaced: bool = False
    damage: str = ""


def read_whatsapp(open_export: Opener) -> Iterator[ChatEvent]:
    member, problem = _chat_member(open_export)
    if problem:
        yield ImportWarning("unreadable", problem)
        return
    survey = _survey(open_export, member)
    if survey.headers == 0:
        yield ImportWarning(
            "no_messages",
            survey.damage or "no line of the file is a WhatsApp message header",
        )
        return
    day_first, order_warning = _date_order(survey)
    pseudo = {name for name in survey.marked_only if name not in survey.speakers}
    title = title_from_file_name(member or "") or survey.group_title
    if not title and len(pseudo) == 1:
        title = next(iter(pseudo))  # iOS writes a group's events under the group's name
    group = bool(survey.group_events or len(survey.speakers) > 2)
    details: dict[str, Any] = {
        "format": "ios" if survey.ios * 2 >= survey.headers else "android",
        "date_order": "day_first" if day_first else "month_first",
    }
    if member:
        details["chat_member"] = member
    yield ConversationRecord(
        platform=Platform.WHATSAPP,
        platform_id="",
        title=title,
        kind="group" if group else "individual",
        details=details,
    )
    if order_warning:
        yield ImportWarning("date_order_ambiguous", order_warning)
    if survey.lines_before_first:
        yield ImportWarning(
            "text_before_first_message",
            f"{survey.lines_before_first} lines before the first message header are not read",
        )
    folder = posixpath.dirname(member) if member else ""
    builder: _Header | None = None
    continuation: list[str] = []
    bad_times = 0
    for header, line in _lines(open_export, member, _Survey()):
        if header is None:
            if builder is not None:
                continuation.append(line)
            continue
        if builder is not None:
            message = _message(builder, continuation, day_first, pseudo, folder)
            bad_times += message.sent_at is None
            yield from with_attachment_warnings(message)
        builder, continuation = header, []
    if builder is not None:
        message = _message(builder, continuation, day_first, pseudo, folder)
        bad_times += message.sent_at is None
        yield from with_attachment_warnings(message)
    if bad_times:
        yield ImportWarning(
            "bad_time", f"{bad_times} message headers hold no possible date or time"
        )
    if survey.replaced:
        yield ImportWarning("invalid_utf8", "bytes that are not UTF-8 were replaced (U+FFFD)")
    if survey.damage:
        yield ImportWarning("truncated", survey.damage)


def _chat_member(open_export: Opener) -> tuple[str | None, str]:
    """(the ZIP member holding the chat, or None for a text file; a problem, or "")."""
    with open_export() as raw:
        if raw.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
            return None, ""
        raw.seek(0)
        try:
            with zipfile.ZipFile(raw) as archive:
                name = whatsapp_chat_member(archive)
                if name is None:
                    return None, "the ZIP holds no WhatsApp chat text file"
                info = archive.getinfo(name)
                if info.flag_bits & 0x1:
                    return name, f"the chat file {name!r} in the ZIP is encrypted"
                if _member_head(archive, info) is None:
                    return name, f"the chat file {name!r} in the ZIP cannot be read"
                return name, ""
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            return None, "the ZIP is damaged or truncated (no readable central directory)"


def _text_stream(raw: IO[bytes], member: str | None) -> tuple[IO[bytes], zipfile.ZipFile | None]:
    if member is None:
        return raw, None
    archive = zipfile.ZipFile(raw)
    return archive.open(member), archive


def _lines(
    open_export: Opener, member: str | None, survey: _Survey
) -> Iterator[tuple[_Header | None, str]]:
    """Each line of the chat text, with its header when it starts a message. Damage that
    stops the reading (a cut or corrupt ZIP member) is noted in `survey.damage`."""
    with open_export() as raw:
        archive: zipfile.ZipFile | None = None
        try:
            stream, archive = _text_stream(raw, member)
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline=None)
            pieces = iter(lambda: text.readline(MAX_LINE_CHARS), "")
            for number, piece in enumerate(pieces, start=1):
                line = piece.removesuffix("\n")
                if "\ufffd" in line:
                    survey.replaced = True
                match = match_header(line)
                header = _header(match, number) if match is not None else None
                yield header, strip_marks(line)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as error:
            survey.damage = f"the chat text cannot be read to its end ({type(error).__name__})"
        finally:
            if archive is not None:
                archive.close()


def _header(match: re.Match[str], number: int) -> _Header | None:
    parsed = _fields(match)
    if parsed is None:
        return None
    fields, year_first, two_digit = parsed
    ios = match.group("ios") is not None
    prefix = "" if ios else "a_"
    ampm = (match.group(prefix + "ampm") or "").lower()
    clock = (
        int(match.group(prefix + "hour")),
        int(match.group(prefix + "minute")),
        int(match.group(prefix + "second") or 0),
        ampm,
    )
    rest = match.group("ios") if ios else match.group("android")
    author: str | None = None
    text = rest
    name, separator, after = rest.partition(": ")
    if separator and name.strip() and not _AUTHOR_IS_EVENT.search(name):
        author, text = strip_marks(name).strip(), after
    # iOS starts the text of events and media with a left-to-right mark (a right-to-left one
    # may be the writer's own, before Hebrew or Arabic text).
    marked = ios and text.startswith("\u200e")
    return _Header(
        line=number,
        fields=fields,
        year_first=year_first,
        two_digit_year=two_digit,
        clock=clock,
        author=author or None,
        text=strip_marks(text),
        marked=marked,
        ios=ios,
    )


def _fields(match: re.Match[str]) -> tuple[tuple[int, int, int], bool, bool] | None:
    prefix = "" if match.group("ios") is not None else "a_"
    raw = [match.group(prefix + key) for key in ("d1", "d2", "d3")]
    values = (int(raw[0]), int(raw[1]), int(raw[2]))
    year_first = len(raw[0]) == 4
    if year_first:
        if len(raw[2]) > 2 or not (1 <= values[1] <= 12 and 1 <= values[2] <= 31):
            return None
        return values, True, False
    if len(raw[2]) not in (2, 4) or len(raw[0]) > 2:
        return None
    if not (1 <= values[0] <= 31 and 1 <= values[1] <= 31) or min(values[:2]) > 12:
        return None
    return values, False, len(raw[2]) == 2


def _survey(open_export: Opener, member: str | None) -> _Survey:
    survey = _Survey()
    for header, line in _lines(open_export, member, survey):
        if header is None:
            if survey.headers == 0 and line.strip():
                survey.lines_before_first += 1
            continue
        survey.headers += 1
        survey.ios += header.ios
        a, b, _ = header.fields
        if not header.year_first:
            survey.day_first_proof += a > 12
            survey.month_first_proof += b > 12
            for day_first in (True, False):
                moment = _moment(header, day_first)
                key = moment.timetuple()[:6] if moment else None
                if key is not None:
                    if key < survey.previous.get(day_first, key):
                        survey.backwards[day_first] += 1
                    survey.previous[day_first] = key
        if header.author is None or header.marked:
            survey.group_events += _action(header.text) in _GROUP_ACTIONS
            title = _GROUP_TITLE.search(header.text)
            if title and not survey.group_title:
                survey.group_title = title.group("title")
        if header.author is None:
            continue
        if header.marked and not _is_media_or_marker(header.text):
            survey.marked_only[header.author] = survey.marked_only.get(header.author, 0) + 1
        else:
            survey.speakers.add(header.author)
    return survey


_GROUP_ACTIONS = frozenset(
    {
        "group_created",
        "subject_changed",
        "description_changed",
        "icon_changed",
        "member_joined",
        "member_added",
        "member_removed",
        "member_left",
        "admin_changed",
    }
)


def _date_order(survey: _Survey) -> tuple[bool, str]:
    """(day first?, a warning when the file does not prove the order)."""
    if survey.day_first_proof and not survey.month_first_proof:
        return True, ""
    if survey.month_first_proof and not survey.day_first_proof:
        return False, ""
    if survey.day_first_proof and survey.month_first_proof:
        day_first = survey.day_first_proof >= survey.month_first_proof
        return day_first, (
            "dates with a first field over 12 and dates with a second field over 12 are both "
            f"in the file; read {'day' if day_first else 'month'} first, the others have no time"
        )
    if not survey.previous:  # year-first dates only: no question
        return True, ""
    forward, backward = survey.backwards[True], survey.backwards[False]
    if forward != backward:
        day_first = forward < backward
        return day_first, (
            "no date in the file proves day-first or month-first order; read "
            f"{'day' if day_first else 'month'} first, the order in which the messages "
            "follow each other in time"
        )
    return True, (
        "no date in the file proves day-first or month-first order (every day and month is 12 "
        "or less); read day first, WhatsApp's order outside the United States"
    )


def _moment(header: _Header, day_first: bool) -> datetime | None:
    a, b, c = header.fields
    if header.year_first:
        year, month, day = a, b, c
    elif day_first:
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    if header.two_digit_year:
        year += 2000
    hour, minute, second, ampm = header.clock
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _message(
    header: _Header, continuation: list[str], day_first: bool, pseudo: set[str], folder: str
) -> MessageRecord:
    naive = _moment(header, day_first)
    text = "\n".join([header.text, *continuation])
    author = header.author
    details: dict[str, Any] = {}
    is_service = author is None
    if author is not None and header.marked and author in pseudo:
        # iOS: a group event written under the chat's own name, which never speaks.
        is_service, author = True, None
        details["written_as"] = header.author
    attachments, text = _attachments(text, folder)
    if author is not None and not attachments and _DELETED.match(text.strip()):
        details["deleted"] = True
    edited = _EDITED.search(text)
    if edited:
        text = text[: edited.start()]
        details["edited"] = True
    action = ""
    if is_service:
        action = _action(text) or "system"
    elif header.marked and not attachments and _action(text) in ("encryption", "missed_call"):
        is_service, action = True, _action(text)  # iOS notices in a one-to-one chat
    sender = (
        ParticipantRecord(platform_id=f"name:{author}", name=author) if author is not None else None
    )
    return MessageRecord(
        platform_id=str(header.line),
        sent_at=naive.replace(tzinfo=UTC) if naive is not None else None,
        time_is_local=naive is not None,
        sender=sender,
        text=text,
        is_service=is_service,
        service_action=action,
        attachments=attachments,
        details=details,
    )


def _action(text: str) -> str:
    for action, pattern in _SYSTEM_ACTIONS:
        if pattern.search(text):
            return action
    return ""


def _is_media_or_marker(text: str) -> bool:
    stripped = text.strip()
    first = stripped.split("\n", 1)[0]
    return bool(
        _IOS_ATTACHED.search(stripped)
        or _OMITTED.match(first)
        or _DELETED.match(first)
        or _EDITED.search(stripped)
        or _ANDROID_ATTACHED.match(first)
        or _LOCATION.match(first)
    )


def _attachments(text: str, folder: str) -> tuple[list[AttachmentRef], str]:
    """The attachment references of a message, and its text without them."""
    found: list[AttachmentRef] = []
    for match in _IOS_ATTACHED.finditer(text):
        found.append(_in_export(match.group("name"), folder))
    if found:
        text = _IOS_ATTACHED.sub("", text).strip()
        return found, text
    first, newline, rest = text.partition("\n")
    android = _ANDROID_ATTACHED.match(first.strip())
    if android and (
        _ANDROID_NOTE.search(android.group("note")) or _WA_NAME.match(android.group("name"))
    ):
        return [_in_export(android.group("name"), folder)], rest.strip() if newline else ""
    omitted = _OMITTED.match(first.strip())
    if omitted:
        word = (omitted.group("kind") or "").upper()
        kind = _KIND_BY_WORD.get(word, "media")
        return [AttachmentRef(kind=kind, status=AttachmentStatus.NOT_INCLUDED)], rest.strip()
    return [], text


_WA_NAME = re.compile(r"^(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+")
_IOS_KIND = re.compile(r"^\d+-(?P<word>PHOTO|VIDEO|AUDIO|STICKER|GIF|CONTACT CARD)-", re.I)


def _in_export(name: str, folder: str) -> AttachmentRef:
    name = name.strip()
    kind = "file"
    ios = _IOS_KIND.match(name)
    if ios:
        kind = _KIND_BY_WORD.get(ios.group("word").upper(), "file")
    elif _WA_NAME.match(name):
        kind = _KIND_BY_WORD.get(name[:3].upper(), "file")
    written = posixpath.join(folder, name) if folder else name
    safe = safe_relative_path(written)
    if safe is None or "/" in name.replace("\\", "/"):
        # WhatsApp writes a bare file name: one with a path in it is not its own.
        return AttachmentRef(
            kind=kind, status=AttachmentStatus.REJECTED, path=written, file_name=name
        )
    return AttachmentRef(kind=kind, status=AttachmentStatus.IN_EXPORT, path=safe, file_name=name)
