"""Properties of the CSV reader on any input: it never crashes, every line is accounted for,
and one damaged row never costs the rows around it."""

from __future__ import annotations

from pathlib import Path

import hypothesis
import hypothesis.strategies as st

from tests.matching.test_bad_rows import assert_every_line_accounted_for, read
from vigil.matching.formats import FormatError

HEX = "0123456789abcdef"
# What breaks CSV, and what makes a cell look like a hash, often enough to be drawn.
CSV_ISH = st.text(alphabet=HEX + ' ",;\t\r\n\x00é[]{}xyz', max_size=400)
SETTINGS = hypothesis.settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)


@SETTINGS
@hypothesis.given(data=st.binary(max_size=600))
def test_any_bytes_never_crash_the_reader_and_every_line_is_accounted_for(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes(data)
    try:
        entries, problems = read(path, "csv")
    except FormatError:
        return  # no header naming a hash column: refused as a whole, nothing imported
    bare = problems.lines and not problems.joined and _is_bare(path)
    assert_every_line_accounted_for(path, entries, problems, header=0 if bare else 1)


@SETTINGS
@hypothesis.given(body=CSV_ISH, header=st.sampled_from(["md5,note", "md5;sha1;vpdq", "md5\tcat"]))
def test_csv_like_text_under_a_header_has_every_line_accounted_for(
    tmp_path: Path, body: str, header: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(f"{header}\n{body}".encode())
    entries, problems = read(path, "csv")
    assert_every_line_accounted_for(path, entries, problems)
    for entry in entries:
        assert entry.md5 is None or len(entry.md5) == 32


ROW = st.tuples(st.text(HEX, min_size=32, max_size=32), st.text("ab ", max_size=8))
DAMAGE = st.tuples(st.integers(min_value=0), st.integers(min_value=0), st.sampled_from('"\n,'))


@SETTINGS
@hypothesis.given(rows=st.lists(ROW, min_size=1, max_size=30), damage=DAMAGE)
def test_one_damaged_row_never_costs_the_rows_around_it(
    tmp_path: Path, rows: list[tuple[str, str]], damage: tuple[int, int, str]
) -> None:
    index, position, character = damage
    index %= len(rows)
    lines = [f"{md5},{note}\n" for md5, note in rows]
    line = lines[index]
    position %= len(line)  # anywhere before the line's end, its first character included
    lines[index] = line[:position] + character + line[position:]
    path = tmp_path / "list.csv"
    path.write_text("md5,note\n" + "".join(lines))
    entries, problems = read(path, "csv")
    imported = {entry.md5 for entry in entries}
    others = {md5 for number, (md5, _) in enumerate(rows) if number != index}
    assert others <= imported
    assert not any("\n" in (entry.note or "") for entry in entries)
    assert_every_line_accounted_for(path, entries, problems)


def _is_bare(path: Path) -> bool:
    from vigil.matching.formats.csv_list import _bare_hash

    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        return _bare_hash(handle.readline().rstrip("\r\n")) is not None
