"""CSV and TSV hash lists: header spellings, BOM, bare lists, bad rows counted."""

from __future__ import annotations

from pathlib import Path

from vigil.matching.formats import ListEntry, Problems, detect_format, read_list

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
PDQ = "f" * 64


def read(path: Path) -> tuple[str, list[ListEntry], Problems]:
    problems = Problems()
    _, detail, entries = read_list(path, "auto", problems)
    return detail, list(entries), problems


def test_a_csv_with_a_bom_and_aliased_headers_maps_every_column(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "\ufeffMD5 Hash,SHA-1,SHA_256,PDQ Hash,Grade,Series Name,Comments\n"
        f"{MD5.upper()},{SHA1},{SHA256},{PDQ},A,S1,seen twice\n",
        encoding="utf-8",
    )
    assert detect_format(path) == "csv"
    detail, entries, problems = read(path)
    assert detail == "CSV" and problems.count == 0
    assert entries == [
        ListEntry(
            md5=MD5, sha1=SHA1, sha256=SHA256, pdq=PDQ, category="A", series="S1", note="seen twice"
        )
    ]


def test_a_tsv_is_sniffed_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(f"sha256\tcategory\tfile_name\n{SHA256}\t\tx.jpg|y.jpg\n")
    detail, entries, _ = read(path)
    assert detail == "TSV"
    assert entries[0].category is None and entries[0].file_names == ["x.jpg", "y.jpg"]


def test_bad_rows_are_counted_and_the_import_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"md5,category\nnot-a-hash,1\n,2\n{MD5},1\n\n")
    _, entries, problems = read(path)
    assert [entry.md5 for entry in entries] == [MD5]
    assert problems.count == 2 and [p["row"] for p in problems.kept] == [2, 3]


def test_a_bare_list_of_hashes_is_typed_by_length(tmp_path: Path) -> None:
    path = tmp_path / "hashes.txt"
    path.write_text(f"{MD5}\n{SHA1}\n{SHA256}\nnonsense\n")
    detail, entries, problems = read(path)
    assert detail == "bare hash list"
    assert (entries[0].md5, entries[1].sha1, entries[2].sha256) == (MD5, SHA1, SHA256)
    assert problems.count == 1
