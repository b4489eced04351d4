"""Bad rows in a hash list: each one counted with its line and reason, never the rows around it.

The finding: one unterminated quote in row 1 of a CSV imported as "1 entries, 0 problems", the
next rows' hashes inside that entry's note. Known material would have gone unmatched, silently.
"""

from __future__ import annotations

import io
import json
import random
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_cli import vigil
from tests.matching.builders import random_hex
from vigil.matching.formats import FormatError, ListEntry, Problems, read_list
from vigil.matching.formats.csv_list import MAX_RECORD_LINES

MD5S = [f"{digit}" * 32 for digit in "123456789"]
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"


def read(path: Path, list_format: str = "auto") -> tuple[list[ListEntry], Problems]:
    problems = Problems()
    _, _, entries = read_list(path, list_format, problems)
    return list(entries), problems


def bad_rows(problems: Problems) -> list[tuple[object, str]]:
    return [(p["row"], str(p["message"])) for p in problems.kept if p["code"] == "bad_row"]


def physical_lines(path: Path) -> int:
    """Lines as the readers see them (any of \\n, \\r\\n, \\r ends one), counted apart."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return sum(1 for _ in io.StringIO(text, newline=""))


def assert_every_line_accounted_for(
    path: Path, entries: list[ListEntry], problems: Problems, header: int = 1
) -> None:
    assert problems.lines == physical_lines(path)
    accounted = len(entries) + problems.bad_rows + problems.skipped + problems.joined
    assert problems.lines == header + accounted
    lines = [row for row, _ in bad_rows(problems)]
    assert lines == sorted(set(lines)), "one bad row a line, in file order"
    assert all(isinstance(row, int) and header < row <= problems.lines for row in lines)


def issue_csv(path: Path) -> Path:
    """The finding's file: a header, then three rows, the first with a quote never closed."""
    path.write_text(
        "md5,category,note\n"
        f'{MD5S[0]},1,"seen on two devices\n'
        f"{MD5S[1]},1,second\n"
        f"{MD5S[2]},2,third\n"
    )
    return path


def test_an_unterminated_quote_in_row_1_is_one_bad_row_and_the_rows_after_it_import(
    tmp_path: Path,
) -> None:
    path = issue_csv(tmp_path / "list.csv")
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == MD5S[1:3]
    assert [entry.note for entry in entries] == ["second", "third"]
    never_closed = "unterminated quote: never closed before the end of the file"
    assert bad_rows(problems) == [(2, never_closed)]
    assert problems.bad_rows == 1
    assert_every_line_accounted_for(path, entries, problems)


def test_an_unterminated_quote_closed_by_a_later_one_does_not_swallow_the_rows_between(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "md5,note\n"
        f'{MD5S[0]},"oops\n'
        f"{MD5S[1]},plain\n"
        f'{MD5S[2]},12"\n'  # closes the quote of line 2, where csv would end the record
        f'{MD5S[3]},"quoted, properly"\n'
    )
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == MD5S[1:4]
    assert entries[2].note == "quoted, properly"
    ((line, reason),) = bad_rows(problems)
    assert line == 2 and reason.startswith("unterminated quote") and "line 3" in reason
    assert_every_line_accounted_for(path, entries, problems)


def test_a_quote_closed_with_text_after_it_is_a_bad_row_and_what_it_ran_over_is_read_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f'md5,note\n{MD5S[0]},"oops\n{MD5S[1]},"two"\n{MD5S[2]},"a" b\n')
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5S[1]]
    assert bad_rows(problems) == [
        (2, "unterminated quote: the quoted field runs on to line 3, text after its end"),
        (4, "stray quote: text follows a closing quote"),
    ]
    assert_every_line_accounted_for(path, entries, problems)


def test_a_quote_open_for_more_lines_than_a_note_has_costs_one_row(tmp_path: Path) -> None:
    rng = random.Random(3)
    hashes = [random_hex(rng, 32) for _ in range(3 * MAX_RECORD_LINES)]
    rows = "".join(f"{md5},{index}\n" for index, md5 in enumerate(hashes[1:]))
    path = tmp_path / "list.csv"
    path.write_text(f'md5,note\n{hashes[0]},"unclosed\n{rows}{hashes[0]},"a" b\n')
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == hashes[1:]
    assert [line for line, _ in bad_rows(problems)] == [2, len(hashes) + 2]
    assert "still open" in bad_rows(problems)[0][1]
    assert_every_line_accounted_for(path, entries, problems)


def test_a_line_break_inside_a_hash_field_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f'md5,note\n"{MD5S[0][:16]}\n{MD5S[0][16:]}",split\n{MD5S[1]},fine\n')
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5S[1]]
    # The record's first line is bad; the line it ran over, read again, is bad on its own.
    assert bad_rows(problems)[0] == (2, "a line break inside the md5 field")
    assert [line for line, _ in bad_rows(problems)] == [2, 3]
    assert_every_line_accounted_for(path, entries, problems)


def test_a_note_over_several_lines_is_still_one_entry_and_later_lines_keep_their_numbers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.csv"
    rows = [f'{MD5S[0]},"first line', 'second, line"', "not-a-hash,x", f"{MD5S[1]},y"]
    path.write_bytes("\r\n".join(["md5,note", *rows, ""]).encode())
    entries, problems = read(path)
    assert [(entry.md5, entry.note) for entry in entries] == [
        (MD5S[0], "first line\r\nsecond, line"),
        (MD5S[1], "y"),
    ]
    assert bad_rows(problems) == [(4, "md5 is not 32 hex characters")]
    assert problems.joined == 1
    assert_every_line_accounted_for(path, entries, problems)


def test_a_row_with_the_wrong_column_count_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "list.tsv"
    path.write_text(
        f"md5\tsha1\tcategory\n{MD5S[0]}\t{SHA1}\t1\textra\n{MD5S[1]}\t1\n{MD5S[2]}\t\t2\n\n"
    )
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5S[2]]
    assert bad_rows(problems) == [
        (2, "4 columns where the header has 3"),
        (3, "2 columns where the header has 3"),
    ]
    assert problems.skipped == 1
    assert_every_line_accounted_for(path, entries, problems)


def test_a_hash_of_the_wrong_length_or_alphabet_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"md5,sha1\n{MD5S[0][:31]},\n{'g' * 32},\n{MD5S[1]},{SHA1}x\n{MD5S[2]},\n")
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5S[2]]
    assert bad_rows(problems) == [
        (2, "md5 is not 32 hex characters"),
        (3, "md5 is not 32 hex characters"),
        (4, "sha1 is not 40 hex characters"),
    ]


def test_good_and_bad_add_up_to_the_records_read(tmp_path: Path) -> None:
    rng = random.Random(5)
    lines, good = [], 0
    for index in range(200):
        kind = rng.choice(("good", "short", "width", "blank"))
        md5 = random_hex(rng, 32)
        good += kind == "good"
        made = {"good": f"{md5},{index}", "short": f"{md5[:-1]},x", "width": f"{md5},1,2"}
        lines.append(made.get(kind, ""))
    path = tmp_path / "list.csv"
    path.write_text("md5,note\n" + "\n".join(lines) + "\n")
    entries, problems = read(path)
    records = sum(1 for line in lines if line)
    assert len(entries) == good and len(entries) + problems.bad_rows == records
    assert_every_line_accounted_for(path, entries, problems)


def test_an_nsrl_text_line_with_the_wrong_field_count_is_a_bad_row(tmp_path: Path) -> None:
    # RDS v2 text (NSRLFile.txt), every field quoted, read as a CSV by its header.
    header = (
        '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"'
    )
    good = f'"{SHA1.upper()}","{MD5S[0].upper()}","00000000","a.dll",1,2,"WIN",""'
    short = f'"{SHA1.upper()}","{MD5S[1].upper()}","00000000","b.dll",1'
    path = tmp_path / "NSRLFile.txt"
    path.write_text(f"{header}\n{good}\n{short}\n{good}\n")
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5S[0], MD5S[0]]
    assert entries[0].file_names == ["a.dll"]
    assert bad_rows(problems) == [(3, "5 columns where the header has 8")]


def test_an_nsrl_record_with_a_malformed_or_missing_hash_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "rds.db"
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE FILE_TABLE (sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT)")
        db.executemany(
            "INSERT INTO FILE_TABLE VALUES (?, ?, ?, ?)",
            [
                ("", SHA1.upper(), MD5S[0], "good.dll"),
                ("", SHA1[:-1], MD5S[1], "short.dll"),
                ("", None, b"\x00" * 16, "blob.dll"),
                ("", None, None, "nothing.dll"),
                ("", "", MD5S[2], "good-too.dll"),
            ],
        )
        db.execute("CREATE VIEW FILE AS SELECT * FROM FILE_TABLE")
    db.close()
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5S[0], MD5S[2]]
    assert bad_rows(problems) == [
        (2, "sha1 is not 40 hex characters"),
        (3, "md5 is not text"),
        (4, "no hash"),
    ]
    assert len(entries) + problems.bad_rows == 5


def test_a_vics_record_missing_its_hash_or_with_a_malformed_one_is_a_bad_row(
    tmp_path: Path,
) -> None:
    media = [
        {"MediaID": 1, "MD5": MD5S[0]},
        {"MediaID": 2, "Category": 1},
        {"MediaID": "m-3", "MD5": MD5S[1][:-2]},
        {"MediaID": 4, "SHA1": 40},
        {"MediaID": 5, "MD5": MD5S[2]},
    ]
    path = tmp_path / "list.json"
    path.write_text(json.dumps({"@odata.context": "x#Media", "value": media}))
    entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5S[0], MD5S[2]]
    assert bad_rows(problems) == [
        (2, "MediaID 2: no MD5, SHA-1, SHA-256, PDQ or PhotoDNA"),
        (3, "MediaID m-3: md5 is not 32 hex characters"),
        (4, "MediaID 4: sha1 is not text"),
    ]
    assert len(entries) + problems.bad_rows == len(media)


@pytest.mark.usefixtures("django_instance")
def test_the_import_leaves_the_bad_row_out_reports_it_and_puts_no_hash_in_a_note(
    tmp_path: Path, case_name: str
) -> None:
    from vigil.matching.importer import ListOptions, delete_list, import_list

    result = import_list(issue_csv(tmp_path / "list.csv"), ListOptions(name=case_name), actor="t")
    try:
        assert (result.entries, result.bad_rows, result.problems) == (2, 1, 1)
        stored = result.hash_list.entries.order_by("md5")
        assert [row.md5 for row in stored] == MD5S[1:3]
        assert not any(md5 in (row.note or "") for row in stored for md5 in MD5S)
        assert result.hash_list.problems == [
            {
                "row": 2,
                "code": "bad_row",
                "message": "unterminated quote: never closed before the end of the file",
            }
        ]
    finally:
        delete_list(result.hash_list)


@pytest.mark.slow
def test_the_command_exits_1_on_a_bad_row_and_0_with_allow_bad_rows(tmp_path: Path) -> None:
    home, path = tmp_path / "home", issue_csv(tmp_path / "list.csv")
    refused = vigil(home, "hashlist", "import", str(path), "--name", "agency", check=False)
    assert refused.returncode == 1
    assert "2 entries" in refused.stdout and "1 bad rows" in refused.stdout
    assert "line 2: bad_row: unterminated quote" in refused.stdout
    assert "--allow-bad-rows" in refused.stderr
    quiet = vigil(home, "hashlist", "import", str(path), "--name", "q", "--quiet", check=False)
    assert quiet.returncode == 1 and quiet.stdout == "" and "1 bad rows" in quiet.stderr

    allowed = vigil(
        home, "hashlist", "import", str(path), "--name", "agency", "--replace", "--allow-bad-rows"
    )
    assert allowed.returncode == 0 and allowed.stderr == ""
    assert "1 bad rows" in allowed.stdout and "line 2: bad_row" in allowed.stdout
    lists = {row["name"]: row for row in json.loads(vigil(home, "hashlist", "ls", "--json").stdout)}
    assert (lists["agency"]["entries"], lists["agency"]["problems"]) == (2, 1)


@pytest.mark.slow
def test_a_clean_list_still_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"md5,note\n{MD5S[0]},one\n{MD5S[1]},two\n")
    result = vigil(tmp_path / "home", "hashlist", "import", str(path), "--name", "clean")
    assert result.returncode == 0 and "0 bad rows" in result.stdout


def test_a_header_without_a_hash_column_is_still_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('name,"note\nx,y\n')
    with pytest.raises(FormatError, match="no hash column"):
        read(path)
