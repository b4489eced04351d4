"""Media images read as containers: every file an item with its volume, inode, deleted flag and
times; the image read in place, never changed; damage reported, the rest still read."""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

import pytest

from tests.builders.disk_images import (
    converted,
    ewf_of,
    fat_image,
    ntfs_image,
    partitioned_disk,
)
from tests.builders.images import photo_jpeg
from vigil.core.entries import ArchiveExpansion, ArchiveLimits, MemberEntry
from vigil.sources.images import HEAD_BYTES, expand_image, image_candidate
from vigil.store.evidence import EvidenceStore

EXTERNAL = Path(__file__).resolve().parents[4] / "shared" / "data" / "external"
EXT2_E01 = EXTERNAL / "dfvfs" / "test_data" / "ext2.E01"
DFVFS_EXPECTED = json.loads((EXTERNAL / "dfvfs" / "EXPECTED.json").read_text())
SYSLOG_DD = EXTERNAL / "plaso" / "test_data" / "syslog_image.dd"
PHOTO = photo_jpeg(64, 48)


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "store").create()


def expand(path: Path, store: EvidenceStore) -> ArchiveExpansion:
    head = path.read_bytes()[:HEAD_BYTES]
    assert image_candidate(head)
    expansion = expand_image(path, head, store, ArchiveLimits(), display_name=path.name)
    assert expansion is not None
    return expansion


def expansion_volume(path: Path, store: EvidenceStore) -> dict[str, object]:
    (volume,) = expand(path, store).facts["image"]["volumes"]
    return volume  # type: ignore[no-any-return]


def by_name(expansion: ArchiveExpansion) -> dict[str, MemberEntry]:
    return {member.name: member for member in expansion.members}


def content(store: EvidenceStore, member: MemberEntry) -> bytes:
    assert member.digests is not None, member.issues
    return store.blob_path(member.digests.sha256).read_bytes()


def test_the_dfvfs_ext2_e01_gives_the_files_inodes_sizes_and_contents_its_authors_state(
    store: EvidenceStore,
) -> None:
    expected = DFVFS_EXPECTED["files"]["test_data/ext2.E01"]["file_entries"]
    members = by_name(expand(EXT2_E01, store))

    passwords = members["passwords.txt"]
    assert passwords.facts["inode"] == expected["/passwords.txt"]["inode"] == 14
    assert passwords.declared_size == expected["/passwords.txt"]["size"]
    assert content(store, passwords).decode() == expected["/passwords.txt"]["content"]
    another = members["a_directory/another_file"]
    assert another.facts["inode"] == expected["/a_directory/another_file"]["inode"]
    assert content(store, another) == b"This is another file.\n"
    assert members["a_link"].kind == "symlink"
    assert members["a_link"].link_target == "a_directory/another_file"
    assert passwords.facts["file_system"] == "ext2" and passwords.facts["deleted"] is False
    assert passwords.times["modified"] == "2021-07-22T14:07:32+00:00"
    assert expansion_volume(EXT2_E01, store)["time_precision"] == "1 s"


def test_the_md5_an_e01_recorded_at_acquisition_is_checked_against_its_media(
    store: EvidenceStore,
) -> None:
    expansion = expand(EXT2_E01, store)

    acquisition = expansion.facts["acquisition"]
    assert acquisition["stored"]["md5"] == "196066add11fb71c4c49cf1bb50d6d24"
    assert acquisition["computed"]["md5"] == acquisition["stored"]["md5"]
    assert acquisition["verified"] is True
    assert acquisition["media_size"] == 4 * 1024 * 1024
    assert not expansion.issues


def test_an_e01_whose_media_no_longer_matches_its_recorded_md5_is_an_error_named_first(
    tmp_path: Path, store: EvidenceStore
) -> None:
    raw = tmp_path / "stick.raw"
    fat_image(raw, {"a.txt": b"before\n"}, {})
    image = ewf_of(raw, tmp_path / "stick")
    image.write_bytes(with_recorded_md5_altered(image.read_bytes(), raw.read_bytes()))

    expansion = expand(image, store)

    assert expansion.issues[0].code == "acquisition_hash_mismatch"
    assert expansion.issues[0].severity == "error"
    assert expansion.facts["acquisition"]["verified"] is False
    assert content(store, by_name(expansion)["a.txt"]) == b"before\n"  # still read


def with_recorded_md5_altered(e01: bytes, media: bytes) -> bytes:
    """The E01 with one bit of the MD5 it recorded flipped in its "hash" and "digest"
    sections, their Adler-32 checksums made right again: what a careful forger leaves."""
    md5 = hashlib.md5(media).digest()
    data = bytearray(e01)
    altered = 0
    at = data.find(md5)
    while at > 0:
        kind = bytes(data[at - 76 : at - 60]).rstrip(b"\0")  # the section header's type
        length = {b"hash": 32, b"digest": 76}.get(kind)
        if length is not None:
            data[at] ^= 0x01
            checksum = zlib.adler32(bytes(data[at : at + length]))
            data[at + length : at + length + 4] = checksum.to_bytes(4, "little")
            altered += 1
        at = data.find(md5, at + 1)
    assert altered, "the E01 records the MD5 of its media"
    return bytes(data)


def test_a_deleted_fat_file_is_recovered_flagged_deleted_with_a_warning(
    tmp_path: Path, store: EvidenceStore
) -> None:
    image = fat_image(tmp_path / "usb.img", {"kept.txt": b"kept\n"}, {"gone.jpg": PHOTO})

    members = by_name(expand(image, store))

    # FAT overwrites a deleted name's first letter; TSK shows it as "_".
    (deleted,) = [m for m in members.values() if m.facts.get("deleted")]
    assert deleted.name == "_ONE.JPG" or deleted.name.endswith("one.jpg")
    assert content(store, deleted) == PHOTO
    assert "deleted_file" in [issue.code for issue in deleted.issues]
    kept = members["kept.txt"]
    assert kept.facts["deleted"] is False and content(store, kept) == b"kept\n"


def test_fat_times_are_kept_as_written_without_a_zone_and_say_so(
    tmp_path: Path, store: EvidenceStore
) -> None:
    image = fat_image(tmp_path / "usb.img", {"kept.txt": b"kept\n"}, {})

    kept = by_name(expand(image, store))["kept.txt"]

    assert "+" not in kept.times["modified"] and "naive_time" in [i.code for i in kept.issues]
    assert kept.facts["file_system"] == "fat12"


@pytest.mark.parametrize("table", ["dos", "gpt"])
def test_each_partition_of_a_disk_is_a_volume_and_its_files_go_on_from_it(
    tmp_path: Path, store: EvidenceStore, table: str
) -> None:
    disk = partitioned_disk(
        tmp_path / "disk.raw",
        table,
        fat_files={"f.txt": b"on fat\n"},
        ext_files={"photos/a.jpg": PHOTO},
    )

    expansion = expand(disk, store)
    members = by_name(expansion)

    volumes = expansion.facts["image"]["volumes"]
    assert [(v["label"], v["kind"], v["offset"], v["file_system"]) for v in volumes] == [
        ("p1", "partition", 1024 * 1024, "fat12"),
        ("p2", "partition", 5 * 1024 * 1024, "ext4"),
    ]
    assert content(store, members["p1/f.txt"]) == b"on fat\n"
    assert content(store, members["p2/photos/a.jpg"]) == PHOTO
    assert members["p2/photos/a.jpg"].facts["volume"] == "p2"
    assert members["p2/photos/a.jpg"].times["modified"].endswith("+00:00")


def test_the_image_is_read_in_place_and_left_unchanged(
    tmp_path: Path, store: EvidenceStore
) -> None:
    disk = partitioned_disk(tmp_path / "disk.raw", "dos", {"f.txt": b"x"}, {"e.txt": b"y"})
    before = hashlib.sha256(disk.read_bytes()).hexdigest()
    disk.chmod(0o444)

    expand(disk, store)

    assert hashlib.sha256(disk.read_bytes()).hexdigest() == before
    assert not list(store.tmp.iterdir())


def test_deleted_names_without_metadata_are_listed_without_content(store: EvidenceStore) -> None:
    members = by_name(expand(SYSLOG_DD, store))

    # plaso's test image: logs/ holds two archives, earlier files were deleted.
    assert content(store, members["logs/hidden.zip"])[:2] == b"PK"
    assert members["passwords.txt"].facts["deleted"] is True
    assert members["passwords.txt"].digests is None


def test_a_damaged_file_system_is_an_issue_of_the_image_and_the_other_partition_is_read(
    tmp_path: Path, store: EvidenceStore
) -> None:
    disk = partitioned_disk(tmp_path / "disk.raw", "dos", {"f.txt": b"on fat\n"}, {"e.txt": b"e"})
    data = bytearray(disk.read_bytes())
    superblock = 5 * 1024 * 1024 + 1024
    data[superblock : superblock + 1024] = bytes(1024)  # the ext4 superblock wiped
    disk.write_bytes(bytes(data))

    expansion = expand(disk, store)

    assert content(store, by_name(expansion)["p1/f.txt"]) == b"on fat\n"
    codes = [issue.code for issue in expansion.issues]
    assert codes == ["unknown_file_system"], codes
    assert "p2" in expansion.issues[0].message


def test_content_that_only_starts_like_an_image_stays_an_ordinary_file(
    tmp_path: Path, store: EvidenceStore
) -> None:
    fake = tmp_path / "boot.bin"
    sector = bytearray(4096)
    sector[446 + 4] = 0x83  # a partition entry ...
    sector[446 + 8 : 446 + 12] = (1).to_bytes(4, "little")
    sector[446 + 12 : 446 + 16] = (10**6).to_bytes(4, "little")  # ... past the file's end
    sector[510:512] = b"\x55\xaa"
    fake.write_bytes(bytes(sector))

    head = fake.read_bytes()
    assert image_candidate(head)
    expansion = expand_image(fake, head, store, ArchiveLimits())
    assert expansion is None or not expansion.members


@pytest.mark.parametrize("fmt", ["qcow2", "vmdk", "vhdx", "vpc"])
def test_a_virtual_machine_disk_is_read_like_the_raw_disk_it_holds(
    tmp_path: Path, store: EvidenceStore, fmt: str
) -> None:
    raw = partitioned_disk(tmp_path / "vm.raw", "gpt", {"f.txt": b"on fat\n"}, {"e/a.jpg": PHOTO})
    image = converted(raw, fmt)

    expansion = expand(image, store)

    assert expansion.facts["image"]["format"] == {
        "qcow2": "qcow",
        "vpc": "vhdi",
        "vhdx": "vhdi",
    }.get(fmt, fmt)
    members = by_name(expansion)
    assert content(store, members["p1/f.txt"]) == b"on fat\n"
    assert content(store, members["p2/e/a.jpg"]) == PHOTO


def test_an_ntfs_file_and_its_alternate_data_stream_are_items_of_their_own(
    tmp_path: Path, store: EvidenceStore
) -> None:
    image = ntfs_image(tmp_path / "ntfs.img", "report.txt", b"visible\n", {"hidden": PHOTO})

    expansion = expand(image, store)
    members = by_name(expansion)

    assert content(store, members["report.txt"]) == b"visible\n"
    stream = members["report.txt:hidden"]
    assert content(store, stream) == PHOTO
    assert stream.facts["stream"] == "hidden"
    assert stream.facts["inode"] == members["report.txt"].facts["inode"]
    assert members["report.txt"].facts["file_system"] == "ntfs"
    unread = [m.name for m in expansion.members if m.kind == "file" and m.digests is None]
    assert all(members[name].facts["deleted"] for name in unread), unread  # $BadClus:$Bad too
