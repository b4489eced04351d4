"""Archive expansion against the bad-input classes of the design: every test runs through
`expand`, which also checks what must hold for any archive (nothing raised, nothing written
outside the store, no partial blob left, every stored blob matching its digests, the source
archive unchanged)."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import random
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.builders import archives as build
from vigil.core.entries import ArchiveExpansion, ArchiveLimits, MemberEntry
from vigil.sources.archives import ARCHIVE_FORMATS, expand_archive
from vigil.store.evidence import EvidenceStore

FORMAT_OF_SUFFIX = {".zip": "zip", ".7z": "7z", ".tar": "tar", ".gz": "gzip", ".bz2": "bzip2",
                    ".xz": "xz"}  # fmt: skip
SMALL = ArchiveLimits(max_entries=20, max_total_bytes=10**9, max_member_bytes=10**9)

Expand = Callable[..., ArchiveExpansion]


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "store").create()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "in"


@pytest.fixture
def expand(tmp_path: Path, store: EvidenceStore, monkeypatch: pytest.MonkeyPatch) -> Expand:
    """expand_archive plus the invariants every expansion must keep."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # a library writing by member name would write here

    def run(path: Path, fmt: str | None = None, limits: ArchiveLimits = SMALL) -> ArchiveExpansion:
        before = _tree(tmp_path, skip=store.root)
        expansion = expand_archive(path, fmt or FORMAT_OF_SUFFIX[path.suffix], store, limits)
        assert _tree(tmp_path, skip=store.root) == before, "written outside the store"
        assert not any(store.tmp.iterdir()), "a partial blob was left behind"
        for member in expansion.members:
            _check_member(store, member)
        return expansion

    return run


def _tree(root: Path, skip: Path) -> dict[str, str]:
    listing = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == skip:
            dirs.clear()
            continue
        for name in dirs + files:
            path = Path(folder) / name
            content = "" if path.is_dir() or path.is_symlink() else _sha256(path.read_bytes())
            listing[str(path.relative_to(root))] = content
    return listing


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_member(store: EvidenceStore, member: MemberEntry) -> None:
    if member.digests is None:
        assert member.kind != "file" or any(i.severity == "error" for i in member.issues), member
        return
    assert member.kind == "file"
    assert not any(issue.severity == "error" for issue in member.issues), member
    data = store.blob_path(member.digests.sha256).read_bytes()
    assert _sha256(data) == member.digests.sha256
    assert hashlib.md5(data).hexdigest() == member.digests.md5
    assert len(data) == member.digests.size


def by_name(expansion: ArchiveExpansion) -> dict[str, MemberEntry]:
    return {member.name: member for member in expansion.members}


def codes(issues_of: MemberEntry | ArchiveExpansion) -> list[str]:
    return [issue.code for issue in issues_of.issues]


def errors(member: MemberEntry) -> list[str]:
    return [issue.code for issue in member.issues if issue.severity == "error"]


def content(store: EvidenceStore, member: MemberEntry) -> bytes:
    assert member.digests is not None, member
    return store.blob_path(member.digests.sha256).read_bytes()


def assert_counts_add_up(expansion: ArchiveExpansion) -> None:
    files = [m for m in expansion.members if m.kind == "file"]
    stored = [m for m in files if m.digests is not None]
    failed = [m for m in files if any(i.severity == "error" for i in m.issues)]
    assert len(stored) + len(failed) == len(files)
    assert not set(map(id, stored)) & set(map(id, failed))


# -- ordinary archives ---------------------------------------------------------------------
def test_a_nested_zip_lists_every_member_and_stores_each_content(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_nested_zip(inbox))
    members = by_name(expansion)
    assert expansion.format == "zip" and expansion.issues == []
    assert set(members) == {"docs/", "a.txt", "docs/b.txt", "nested/inner.zip"}
    assert members["docs/"].kind == "directory" and members["docs/"].digests is None
    for name, data in build.NESTED_OUTER.items():
        assert content(store, members[name]) == data
        assert members[name].declared_size == len(data)
    with zipfile.ZipFile(io.BytesIO(content(store, members["nested/inner.zip"]))) as inner:
        assert {name: inner.read(name) for name in inner.namelist()} == build.NESTED_INNER
    assert_counts_add_up(expansion)


def test_a_normal_7z_lists_every_member_and_stores_each_content(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_normal_7z(inbox))
    members = by_name(expansion)
    assert expansion.format == "7z" and expansion.issues == []
    assert set(members) == set(build.SEVEN_ZIP_MEMBERS)
    for name, data in build.SEVEN_ZIP_MEMBERS.items():
        assert content(store, members[name]) == data
        assert members[name].issues == []


def test_a_tar_gz_is_expanded_as_a_tar(expand: Expand, inbox: Path, store: EvidenceStore) -> None:
    expansion = expand(build.build_tar_gz(inbox))
    members = by_name(expansion)
    assert expansion.format == "tar.gz" and expansion.issues == []
    assert members["docs"].kind == "directory"
    for name, data in build.TAR_MEMBERS.items():
        assert content(store, members[name]) == data


@pytest.mark.parametrize(
    ("builder", "fmt"),
    [
        (build.build_plain_gz, "gzip"),
        (build.build_plain_bz2, "bzip2"),
        (build.build_plain_xz, "xz"),
    ],
)
def test_a_single_compressed_file_is_one_member_named_after_the_archive(
    expand: Expand, inbox: Path, store: EvidenceStore, builder: Callable[[Path], Path], fmt: str
) -> None:
    expansion = expand(builder(inbox))
    assert expansion.format == fmt and expansion.issues == []
    (member,) = expansion.members
    assert member.name == "notes.txt" and member.kind == "file"
    assert content(store, member) == build.SINGLE_CONTENT


def test_a_gzip_header_time_is_kept_as_utc(expand: Expand, inbox: Path) -> None:
    (member,) = expand(build.build_plain_gz(inbox)).members
    assert member.times == {"modified": "2023-11-14T22:13:20+00:00"}


def test_a_stored_blob_without_suffix_takes_the_name_gzip_recorded(
    expand: Expand, inbox: Path
) -> None:
    blob_like = inbox / "0123abcd"
    shutil.copy(build.build_plain_gz(inbox), blob_like)
    (member,) = expand(blob_like, "gzip").members
    assert member.name == "notes.txt"


# -- bombs and limits ----------------------------------------------------------------------
def test_a_zip_ratio_bomb_is_stopped_and_nothing_partial_is_kept(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_ratio_bomb_zip(inbox))
    members = by_name(expansion)
    assert "zip_bomb_ratio" in codes(members["zeros.bin"])
    assert members["zeros.bin"].digests is None
    assert members["zeros.bin"].declared_size == build.BOMB_BYTES
    after_name, after_data = build.AFTER_BOMB
    assert content(store, members[after_name]) == after_data
    stored = sum(p.stat().st_size for p in store.blobs.rglob("*") if p.is_file())
    assert stored == len(after_data)
    assert_counts_add_up(expansion)


def test_a_ratio_under_the_floor_is_not_a_bomb(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    path = build.build_ratio_bomb_zip(inbox, size=1024 * 1024)
    limits = replace(SMALL, ratio_floor_bytes=2 * 1024 * 1024)
    members = by_name(expand(path, limits=limits))
    assert content(store, members["zeros.bin"]) == bytes(1024 * 1024)


def test_a_gz_bomb_is_stopped(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_gz_bomb(inbox))
    (member,) = expansion.members
    assert codes(member) == ["zip_bomb_ratio"] and member.digests is None


def test_a_tar_gz_bomb_stops_the_whole_stream(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_tar_gz_bomb(inbox))
    assert expansion.format == "tar.gz"
    assert codes(expansion) == ["zip_bomb_ratio"]
    (member,) = expansion.members
    assert "zip_bomb_ratio" in codes(member) and member.digests is None


def test_a_7z_bomb_is_stopped_and_the_next_block_still_expanded(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    members = by_name(expand(build.build_7z_bomb(inbox)))
    assert codes(members["zeros.bin"]) == ["zip_bomb_ratio"]
    after_name, after_data = build.AFTER_BOMB
    assert content(store, members[after_name]) == after_data


def test_a_bomb_in_a_solid_7z_block_abandons_the_rest_of_that_block_only(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_solid_7z_bomb(inbox))
    members = by_name(expansion)
    assert content(store, members["before.txt"]) == b"before the bomb\n"
    assert codes(members["zeros.bin"]) == ["zip_bomb_ratio"]
    assert codes(members["after.txt"]) == ["solid_block_abandoned"]
    assert codes(members["after-2.txt"]) == ["solid_block_abandoned"]
    assert content(store, members["empty.txt"]) == b""
    assert_counts_add_up(expansion)


def test_overlapping_zip_entries_are_refused_but_other_members_kept(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_overlapping_zip(inbox))
    members = expansion.members
    assert len(members) == build.OVERLAP_COPIES + 1
    assert content(store, members[0]) == b"an ordinary member before the kernel\n"
    for kernel in members[1:]:
        assert "overlapping_entries" in codes(kernel) and kernel.digests is None
    assert len([p for p in store.blobs.rglob("*") if p.is_file()]) == 1  # the readme only
    assert_counts_add_up(expansion)


@pytest.mark.parametrize(
    "builder", [build.build_many_entries_zip, build.build_many_entries_tar], ids=["zip", "tar"]
)
def test_members_beyond_the_entry_limit_are_counted_not_listed(
    expand: Expand, inbox: Path, builder: Callable[[Path], Path]
) -> None:
    expansion = expand(builder(inbox), limits=replace(SMALL, max_entries=10))
    assert len(expansion.members) == 10
    assert codes(expansion) == ["too_many_entries"]
    assert "40 members beyond the limit of 10" in expansion.issues[0].message


def test_members_beyond_the_entry_limit_of_a_7z_are_counted(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_normal_7z(inbox), limits=replace(SMALL, max_entries=1))
    assert [m.name for m in expansion.members] == ["a.txt"]
    assert "2 members beyond the limit of 1" in expansion.issues[0].message


@pytest.mark.parametrize(
    "builder", [build.build_many_entries_zip, build.build_many_entries_tar], ids=["zip", "tar"]
)
def test_the_total_size_limit_skips_the_remaining_members(
    expand: Expand, inbox: Path, builder: Callable[[Path], Path]
) -> None:
    # Members are 9 bytes each ("member N\n" for N < 10): 5 fit in 45 bytes.
    expansion = expand(builder(inbox), limits=replace(SMALL, max_entries=100, max_total_bytes=45))
    assert codes(expansion) == ["total_size_exceeded"]
    stored = [m for m in expansion.members if m.digests is not None]
    skipped = [m for m in expansion.members if "skipped_total_size" in codes(m)]
    assert len(stored) == 5 and len(skipped) == 45
    assert sum(m.digests.size for m in stored if m.digests) <= 45


def test_the_total_size_limit_applies_to_7z(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_normal_7z(inbox), limits=replace(SMALL, max_total_bytes=50))
    members = by_name(expansion)
    assert codes(expansion) == ["total_size_exceeded"]
    assert codes(members["a.txt"]) == ["skipped_total_size"]
    assert codes(members["dir/b.txt"]) == ["skipped_total_size"]
    assert members["empty.txt"].digests is not None  # empty: costs nothing, stored anyway


@pytest.mark.parametrize(
    ("builder", "big"),
    [(build.build_nested_zip, "nested/inner.zip"), (build.build_tar_gz, "docs/b.txt"),
     (build.build_normal_7z, "a.txt")],
    ids=["zip", "tar.gz", "7z"],
)  # fmt: skip
def test_a_member_over_the_size_limit_is_not_stored(
    expand: Expand, inbox: Path, builder: Callable[[Path], Path], big: str
) -> None:
    expansion = expand(builder(inbox), limits=replace(SMALL, max_member_bytes=60))
    members = by_name(expansion)
    assert errors(members[big]) == ["member_too_large"] and members[big].digests is None
    assert "total_size_exceeded" not in codes(expansion)


def test_a_declared_size_over_the_limit_is_refused_without_reading(
    expand: Expand, inbox: Path
) -> None:
    path = build.build_ratio_bomb_zip(inbox, size=3 * 1024 * 1024)
    members = by_name(expand(path, limits=replace(SMALL, max_member_bytes=2 * 1024 * 1024)))
    assert codes(members["zeros.bin"]) == ["naive_time", "member_too_large"]


# -- names ---------------------------------------------------------------------------------
def test_a_traversal_member_is_stored_and_flagged(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_traversal_zip(inbox))
    members = by_name(expansion)
    expected = {
        "../evil.txt": "path_traversal",
        "/etc/passwd": "absolute_path",
        "..\\windows.txt": "path_traversal",
        "C:\\Windows\\System32\\drivers\\etc\\hosts": "drive_letter_path",
        "\\\\server\\share\\file.txt": "drive_letter_path",
        "ok/../../climb.txt": "path_traversal",
    }
    assert set(members) == set(expected)
    for index, name in enumerate(build.TRAVERSAL_NAMES):
        assert expected[name] in codes(members[name])
        assert content(store, members[name]) == f"payload {index}\n".encode()
    assert not (inbox.parent / "evil.txt").exists() and not (inbox / "evil.txt").exists()


def test_a_7z_traversal_member_is_stored_not_refused(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    members = by_name(expand(build.build_7z_traversal(inbox)))
    assert codes(members["../evil.txt"]) == ["path_traversal"]
    assert content(store, members["../evil.txt"]) == b"evil payload\n"
    assert content(store, members["ok.txt"]) == b"ok\n"


def test_names_with_control_and_rtl_characters_are_escaped_and_flagged(
    expand: Expand, inbox: Path
) -> None:
    members = by_name(expand(build.build_weird_names_zip(inbox)))
    assert "bidi_characters" in codes(members["invoice\\u202efdp.exe"])
    assert "control_characters" in codes(members["bell\\u0007and\\u001b[31mred.txt"])
    assert "unicode_not_nfc" in codes(members[build.NFD_NAME])
    assert "not_utf8" in codes(members["caf\\xe9.txt"])
    for member in members.values():
        assert member.name.isprintable()


def test_duplicate_and_case_colliding_names_are_flagged_and_both_kept(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    members = [
        m
        for m in expand(build.build_weird_names_zip(inbox)).members
        if m.name.lower() == "report.txt"
    ]
    assert [m.name for m in members] == ["Report.txt", "Report.txt", "REPORT.txt"]
    assert "duplicate_member_name" not in codes(members[0])
    assert "duplicate_member_name" in codes(members[1])
    assert "name_collision" in codes(members[2])
    assert [content(store, m) for m in members] == [
        b"first report\n",
        b"second report\n",
        b"third report\n",
    ]


def test_a_non_utf8_tar_name_keeps_its_bytes_visible(expand: Expand, inbox: Path) -> None:
    (member,) = expand(build.build_non_utf8_tar(inbox)).members
    assert member.name == "caf\\xe9.txt" and codes(member) == ["not_utf8"]


# -- links and special members -------------------------------------------------------------
def test_tar_links_are_recorded_with_their_target_never_followed(
    expand: Expand, inbox: Path
) -> None:
    members = by_name(expand(build.build_link_tar(inbox)))
    expected = {
        "docs/inside": ("symlink", "a.txt", ["archive_symlink"]),
        "escape": ("symlink", "../../etc/passwd", ["archive_symlink", "link_escapes_archive"]),
        "absolute": ("symlink", "/etc/shadow", ["archive_symlink", "link_escapes_archive"]),
        "hard-inside": ("hardlink", "docs/a.txt", ["archive_hardlink"]),
        "hard-escape": ("hardlink", "../outside.txt", ["archive_hardlink", "link_escapes_archive"]),
    }
    for name, (kind, target, issue_codes) in expected.items():
        member = members[name]
        assert (member.kind, member.link_target, codes(member)) == (kind, target, issue_codes)
        assert member.digests is None


def test_tar_device_and_fifo_members_are_special_and_never_read(
    expand: Expand, inbox: Path
) -> None:
    members = by_name(expand(build.build_link_tar(inbox)))
    for name in ("pipe", "tty"):
        assert members[name].kind == "special"
        assert codes(members[name]) == ["special_member"]
    assert members["docs"].kind == "directory" and codes(members["docs"]) == []


def test_zip_symlinks_are_recognised_from_the_unix_mode(expand: Expand, inbox: Path) -> None:
    members = by_name(expand(build.build_symlink_zip(inbox)))
    assert members["escape"].kind == "symlink"
    assert members["escape"].link_target == "../../etc/passwd"
    assert codes(members["escape"]) == ["naive_time", "archive_symlink", "link_escapes_archive"]
    assert members["docs/inside"].link_target == "a.txt"
    assert "link_escapes_archive" not in codes(members["docs/inside"])
    assert members["docs/a.txt"].kind == "file"


def test_7z_symlinks_are_recorded_with_their_target(expand: Expand, inbox: Path) -> None:
    members = by_name(expand(build.build_7z_symlinks(inbox)))
    assert (members["inside"].kind, members["inside"].link_target) == ("symlink", "a.txt")
    assert codes(members["inside"]) == ["archive_symlink"]
    assert members["escape"].link_target == "../outside.txt"
    assert codes(members["escape"]) == ["archive_symlink", "link_escapes_archive"]
    assert members["a.txt"].digests is not None


# -- encryption ----------------------------------------------------------------------------
def test_an_encrypted_zip_lists_its_members_without_content(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_encrypted_zip(inbox))
    members = by_name(expansion)
    assert set(members) == set(build.ENCRYPTED_MEMBERS)
    for name, data in build.ENCRYPTED_MEMBERS.items():
        assert "encrypted" in codes(members[name]) and members[name].digests is None
        assert members[name].declared_size == len(data) and members[name].times
    assert_counts_add_up(expansion)


def test_a_7z_with_encrypted_headers_is_an_archive_error(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_encrypted_7z(inbox, encrypt_headers=True))
    assert expansion.members == [] and codes(expansion) == ["encrypted_archive"]


def test_a_7z_with_encrypted_content_lists_its_members(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_encrypted_7z(inbox, encrypt_headers=False))
    members = by_name(expansion)
    assert set(members) == set(build.ENCRYPTED_MEMBERS) and expansion.issues == []
    for name, data in build.ENCRYPTED_MEMBERS.items():
        assert codes(members[name]) == ["encrypted"]
        assert members[name].declared_size == len(data)


def test_passwords_are_never_tried(inbox: Path, store: EvidenceStore) -> None:
    with pytest.raises(NotImplementedError):
        expand_archive(build.build_encrypted_zip(inbox), "zip", store, SMALL, False)


# -- damage --------------------------------------------------------------------------------
def test_a_truncated_zip_keeps_the_members_before_the_cut(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_truncated_zip(inbox))
    members = by_name(expansion)
    assert codes(expansion) == ["archive_corrupt"]
    assert content(store, members["one.txt"]) == b"one\n" * 100
    assert content(store, members["two.txt"]) == b"two\n" * 100
    assert "member_corrupt" in codes(members["three.txt"])
    assert all("salvaged_member" in codes(m) for m in expansion.members)
    assert_counts_add_up(expansion)


def test_a_truncated_tar_keeps_the_members_before_the_cut(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_truncated_tar(inbox))
    members = by_name(expansion)
    assert codes(expansion) == ["archive_corrupt"]
    assert content(store, members["first.txt"]) == b"first\n" * 100
    assert codes(members["second.txt"]) == ["member_corrupt"]


def test_a_damaged_tar_header_is_reported_not_taken_for_the_end(
    expand: Expand, inbox: Path
) -> None:
    expansion = expand(build.build_damaged_header_tar(inbox))
    assert [m.name for m in expansion.members] == ["one.txt"]
    assert codes(expansion) == ["archive_corrupt"]
    assert "damaged member header at byte 1,024" in expansion.issues[0].message


def test_a_tar_without_its_end_marker_is_reported_as_truncated(
    expand: Expand, inbox: Path, store: EvidenceStore
) -> None:
    expansion = expand(build.build_tar_without_end_marker(inbox))
    (member,) = expansion.members
    assert content(store, member) == b"only\n"
    assert codes(expansion) == ["archive_corrupt"]
    assert "end-of-archive marker" in expansion.issues[0].message


def test_a_truncated_gz_is_reported(expand: Expand, inbox: Path) -> None:
    expansion = expand(build.build_truncated_gz(inbox))
    (member,) = expansion.members
    assert codes(member) == ["member_corrupt"] and codes(expansion) == ["archive_corrupt"]


@pytest.mark.parametrize(
    "builder", [build.build_crc_mismatch_zip, build.build_7z_crc_mismatch], ids=["zip", "7z"]
)
def test_a_crc_mismatch_keeps_nothing_for_that_member(
    expand: Expand, inbox: Path, builder: Callable[[Path], Path]
) -> None:
    members = by_name(expand(builder(inbox)))
    assert "crc_mismatch" in codes(members["flipped.txt"])
    assert members["flipped.txt"].digests is None


def test_a_gzip_crc_mismatch_is_reported(expand: Expand, inbox: Path) -> None:
    inbox.mkdir()
    path = inbox / "flipped.txt.gz"
    data = bytearray(gzip.compress(b"x" * 1000, mtime=0))
    data[-8] ^= 0xFF  # the recorded CRC-32
    path.write_bytes(bytes(data))
    (member,) = expand(path).members
    assert codes(member) == ["crc_mismatch"]


@pytest.mark.parametrize("fmt", sorted(ARCHIVE_FORMATS))
def test_garbage_is_an_archive_error_in_every_format(expand: Expand, inbox: Path, fmt: str) -> None:
    inbox.mkdir()
    path = inbox / "garbage.bin"
    path.write_bytes(random.Random(7).randbytes(4096))
    expansion = expand(path, fmt)
    assert codes(expansion) == ["archive_corrupt"]
    assert all(m.digests is None for m in expansion.members)


def test_an_unreadable_archive_file_is_reported(expand: Expand, inbox: Path) -> None:
    expansion = expand(inbox / "missing.zip")
    assert codes(expansion) == ["archive_unreadable"]


def test_an_unknown_format_is_a_programming_error(inbox: Path, store: EvidenceStore) -> None:
    with pytest.raises(ValueError, match="rar"):
        expand_archive(inbox / "x.rar", "rar", store, SMALL)


def test_damaged_archives_of_every_kind_never_raise(expand: Expand, inbox: Path) -> None:
    """Truncations and random byte flips of each sample archive: whatever comes out, it is
    issues, never an exception, and the invariants of `expand` hold."""
    rng = random.Random(20240601)
    samples = [
        build.build_nested_zip(inbox),
        build.build_symlink_zip(inbox),
        build.build_link_tar(inbox),
        build.build_tar_gz(inbox),
        build.build_plain_xz(inbox),
        build.build_plain_bz2(inbox),
        build.build_normal_7z(inbox),
        build.build_7z_symlinks(inbox),
    ]
    damaged = inbox / "damaged"
    damaged.mkdir()
    for sample in samples:
        data = sample.read_bytes()
        for index in range(25):
            variant = bytearray(data[: rng.randrange(len(data))] if index < 10 else data)
            for _ in range(0 if index < 10 else rng.randrange(1, 4)):
                variant[rng.randrange(len(variant))] = rng.randrange(256)
            path = damaged / f"{index}-{sample.name}"
            path.write_bytes(bytes(variant))
            expansion = expand(path, FORMAT_OF_SUFFIX[sample.suffix])
            assert_counts_add_up(expansion)


# -- times ---------------------------------------------------------------------------------
def test_zip_dos_times_are_naive_and_flagged_extended_timestamps_are_utc(
    expand: Expand, inbox: Path
) -> None:
    members = by_name(expand(build.build_utc_time_zip(inbox)))
    assert members["utc.txt"].times == {"modified": "2023-11-14T22:13:20+00:00"}
    assert codes(members["utc.txt"]) == []
    assert members["local.txt"].times == {"modified": "2023-11-14T23:13:20"}
    assert codes(members["local.txt"]) == ["naive_time"]


def test_an_impossible_dos_date_is_flagged_not_invented(expand: Expand, inbox: Path) -> None:
    path = inbox / "bad-date.zip"
    inbox.mkdir()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("x.txt", (2020, 13, 40, 0, 0, 0)), b"x")
    (member,) = expand(path).members
    assert member.times == {} and codes(member) == ["invalid_time"]


def test_tar_and_7z_times_are_utc(expand: Expand, inbox: Path) -> None:
    tar_member = by_name(expand(build.build_link_tar(inbox)))["docs/a.txt"]
    assert tar_member.times["modified"] == "2023-11-14T22:13:20+00:00"
    for member in expand(build.build_normal_7z(inbox)).members:
        assert member.times["modified"].endswith("+00:00")
