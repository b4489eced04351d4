"""VICS JSON as real files come: 1.x and 2.0, a BOM, string booleans, null categories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigil.matching.formats import FormatError, ListEntry, Problems, detect_format, read_list

MD5 = "0123456789ABCDEF0123456789ABCDEF"
SHA1 = "0123456789abcdef0123456789abcdef01234567"
PHOTODNA = "A" * 192


def write(path: Path, document: object, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + json.dumps(document).encode())
    return path


def read(path: Path) -> tuple[str, list[ListEntry], Problems]:
    problems = Problems()
    _, detail, entries = read_list(path, "auto", problems)
    return detail, list(entries), problems


def media(**fields: object) -> dict[str, object]:
    return {"MediaID": 1, "Category": 1, "MD5": MD5, "SHA1": SHA1, **fields}


def test_a_2_0_hash_set_with_a_bom_string_booleans_and_a_null_category_imports(
    tmp_path: Path,
) -> None:
    document = {
        "@odata.context": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",
        "value": [
            media(
                VictimIdentified="true",
                OffenderIdentified="False",
                IsDistributed=True,
                Series="Series X",
                MediaFiles=[{"FileName": "a.jpg", "FilePath": "x/a.jpg", "MD5": MD5}],
            ),
            media(MediaID=2, Category=None, IsPrecategorized=True, MD5=MD5.replace("0", "1")),
        ],
    }
    path = write(tmp_path / "set.json", document, bom=True)
    assert detect_format(path) == "vics"
    detail, entries, problems = read(path)
    assert detail == "VICS 2.0" and problems.count == 0
    first, second = entries
    assert first.md5 == MD5.lower() and first.sha1 == SHA1
    assert (first.category, first.series, first.media_id) == ("1", "Series X", "1")
    assert (first.victim_identified, first.offender_identified, first.is_distributed) == (
        True,
        False,
        True,
    )
    assert first.file_names == ["a.jpg"]
    assert second.category is None


def test_a_1_x_file_keeps_its_nested_photodna(tmp_path: Path) -> None:
    document = {
        "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media",
        "value": [
            media(AlternativeHashes=[{"HashName": "PhotoDNA", "HashValue": PHOTODNA}]),
            media(MD5=None, SHA1=None, PhotoDNA={"HashName": "PhotoDNA", "HashValue": "AB"}),
        ],
    }
    detail, entries, problems = read(write(tmp_path / "v1.json", document))
    assert detail == "VICS 1.x" and problems.count == 0
    assert entries[0].photodna == PHOTODNA and entries[0].flags == []
    # Kept, because the list owner may know better, but flagged.
    assert entries[1].photodna == "AB" and entries[1].flags == ["photodna_bad_length"]


def test_a_bad_row_is_counted_and_reported_and_the_rest_imports(tmp_path: Path) -> None:
    document = {
        "@odata.context": "x/2.0.xml/Default/$metadata#Media",
        "value": [media(), media(MD5="xyz"), "not an object", media(MD5=None, SHA1=None)],
    }
    _, entries, problems = read(write(tmp_path / "bad.json", document))
    assert len(entries) == 1
    assert problems.count == 3
    assert [problem["row"] for problem in problems.kept] == [2, 3, 4]
    assert "md5 is not 32 hex characters" in str(problems.kept[0]["message"])


def test_the_cases_form_yields_the_media_of_every_case(tmp_path: Path) -> None:
    document = {
        "@odata.context": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases",
        "value": [
            {"CaseID": "a", "CaseNumber": "1", "Media": [media(), media(MediaID=2)]},
            {"CaseNumber": "2", "Media": [media(MediaID=3, Category="2")]},
        ],
    }
    detail, entries, _ = read(write(tmp_path / "cases.json", document))
    assert detail == "VICS 2.0 cases"
    assert [entry.media_id for entry in entries] == ["1", "2", "3"]
    assert entries[2].category == "2"


def test_the_cases_form_is_recognised_by_its_shape_too(tmp_path: Path) -> None:
    document = {"@odata.context": "custom", "value": [{"CaseNumber": "1", "Media": [media()]}]}
    detail, entries, _ = read(write(tmp_path / "cases.json", document))
    assert detail == "VICS 2.0 cases" and len(entries) == 1


def test_a_truncated_file_is_an_error_not_a_short_list(tmp_path: Path) -> None:
    document = {"@odata.context": "x#Media", "value": [media(), media()]}
    path = tmp_path / "cut.json"
    path.write_bytes(json.dumps(document).encode()[:-30])
    with pytest.raises(FormatError, match="breaks off"):
        read(path)


def test_json_without_a_vics_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not VICS"):
        read(write(tmp_path / "other.json", {"value": [media()]}))
