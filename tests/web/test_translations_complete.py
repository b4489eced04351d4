"""Every user interface string is translated into the six UN languages (English is the source):
a catalogue with an empty or fuzzy entry fails here, naming the entries."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "vigil" / "locale"
LANGUAGES = ("ar", "es", "fr", "ru", "zh_Hans")  # and en, the source


@dataclass
class Entry:
    msgid: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete ones, '#~', are not entries)."""
    entries: list[Entry] = []
    entry = Entry()
    target: str | None = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if target is not None:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#,"):
            entry.fuzzy = entry.fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            entry.msgid, target = _text(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            target = "plural"
        elif line.startswith("msgstr"):
            entry.msgstrs.append(_text(line.split(" ", 1)[1]))
            target = "msgstr"
        elif line.startswith('"'):
            if target == "msgid":
                entry.msgid += _text(line)
            elif target == "msgstr":
                entry.msgstrs[-1] += _text(line)
    return entries


def _text(quoted: str) -> str:
    return quoted.strip()[1:-1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language: str) -> None:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"no catalogue for {language}: run makemessages (see README)"
    entries = read_po(path)
    assert len(entries) > 100, "the catalogue looks truncated"
    problems = [
        f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {entry.msgid or '(the header)'}"
        for entry in entries
        if entry.fuzzy or (entry.msgid and not all(entry.msgstrs))
    ]
    shown = "\n".join(problems[:40]) + (
        f"\n… and {len(problems) - 40} more" if len(problems) > 40 else ""
    )
    assert not problems, f"{language}: {len(problems)} of {len(entries)} entries\n{shown}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_compiles_with_its_placeholders_intact(
    language: str, tmp_path: Path
) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed to compile the catalogues (Debian: gettext)"
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_reader_sees_an_empty_and_a_fuzzy_entry(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: fr\\n"\n\n'
        'msgid "Cases"\nmsgstr "Affaires"\n\n'
        '#, fuzzy\nmsgid "Review"\nmsgstr "Revue"\n\n'
        'msgid "Sign in"\nmsgstr ""\n\n'
        'msgid "one item"\nmsgid_plural "%(n)s items"\nmsgstr[0] "un élément"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    entries = {entry.msgid: entry for entry in read_po(po)}
    assert entries["Cases"].msgstrs == ["Affaires"] and not entries["Cases"].fuzzy
    assert entries["Review"].fuzzy
    assert entries["Sign in"].msgstrs == [""]
    assert entries["one item"].msgstrs == ["un élément", ""]
