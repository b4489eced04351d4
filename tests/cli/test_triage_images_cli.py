"""`vigil triage` on a media image given as the source: its files listed, its acquisition
log's hashes checked (exit 1 on a mismatch), the result on the image's item and in the log."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import vigil

EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "external"
DD = EXTERNAL / "plaso" / "test_data" / "ímynd.dd"
# plaso's own tests state the digests of this image (EXPECTED.json, whole_file_digests)
EXPECTED = json.loads((EXTERNAL / "plaso" / "EXPECTED.json").read_text())["files"][
    "test_data/ímynd.dd"
]["whole_file_digests"]


def _items(home: Path, case: str, *flags: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = json.loads(
        vigil(home, "items", "--case", case, "--json", *flags).stdout
    )
    return items


def test_a_raw_image_whose_hashes_match_its_acquisition_log_is_verified(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil(home, "init")

    done = vigil(home, "triage", str(DD), "--case", "op", "--expected-md5",
                 EXPECTED["md5"].upper(), "--expected-sha1", EXPECTED["sha1"])  # fmt: skip

    assert "Acquisition check: MD5, SHA1 as the acquisition log states." in done.stdout
    items = {item["path"]: item for item in _items(home, "op")}
    image = items["ímynd.dd"]
    assert image["facts"]["acquisition"]["verified"] is True  # type: ignore[index]
    assert image["facts"]["image"]["volumes"][0]["file_system"] == "ext2"  # type: ignore[index]
    another = items["ímynd.dd!/a_directory/another_file"]
    assert another["sha256"] == EXPECTED_ANOTHER_SHA256
    assert another["facts"]["inode"] == 16  # type: ignore[index]


EXPECTED_ANOTHER_SHA256 = json.loads((EXTERNAL / "plaso" / "EXPECTED.json").read_text())["files"][
    "test_data/ímynd.dd"
]["file_entry_digests"]["/a_directory/another_file"]["sha256"]


def test_a_raw_image_that_is_not_what_was_acquired_exits_1_with_the_error_first(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    vigil(home, "init")
    wrong = "0" * 32

    done = vigil(home, "triage", str(DD), "--case", "op", "--expected-md5", wrong, check=False)

    assert done.returncode == 1
    assert "not what was acquired" in done.stderr
    (image,) = [item for item in _items(home, "op") if item["path"] == "ímynd.dd"]
    assert image["issues"][0]["code"] == "acquisition_hash_mismatch"  # type: ignore[index]
    assert image["status"] == "processed"  # the files in it are still listed and read
    log = json.loads(vigil(home, "audit", "ls", "--json").stdout)
    (check,) = [entry for entry in log if entry["action"] == "acquisition.check"]
    assert check["outcome"] == "failed" and check["details"]["expected"] == {"md5": wrong}


def test_an_expected_hash_is_refused_for_a_folder_or_when_it_is_no_hash(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vigil(home, "init")

    folder = vigil(home, "triage", str(DD.parent), "--case", "op", "--expected-md5",
                   EXPECTED["md5"], check=False)  # fmt: skip
    junk = vigil(home, "triage", str(DD), "--case", "op", "--expected-sha1", "abc", check=False)

    assert folder.returncode == 2 and "single image file" in folder.stderr
    assert junk.returncode == 2 and "not an SHA1 in hex" in junk.stderr
    assert "op" not in vigil(home, "cases", "--json").stdout  # refused before anything is made
