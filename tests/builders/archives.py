"""Builds the bad-input archives of the design ("Bad input to test"), one small file each.

Every builder writes into `folder` (created if missing) and returns the Path it wrote
(`build_7z_symlinks` also leaves the small tree it archived in `folder/7z-stage`). The content
is generated text or zeros, never real material. Constants below name what the tests assert
against.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import struct
import tarfile
import warnings
import zipfile
import zlib
from pathlib import Path

import py7zr

NESTED_INNER = {"c.txt": b"inner c\n", "note.txt": b"inner note\n"}
NESTED_OUTER = {"a.txt": b"outer a\n", "docs/b.txt": b"outer b\n"}
BOMB_BYTES = 50 * 1024 * 1024
AFTER_BOMB = ("after-bomb.txt", b"still here after the bomb\n")
OVERLAP_COPIES = 10
TRAVERSAL_NAMES = (
    "../evil.txt",
    "/etc/passwd",
    "..\\windows.txt",
    "C:\\Windows\\System32\\drivers\\etc\\hosts",
    "\\\\server\\share\\file.txt",
    "ok/../../climb.txt",
)
RTL_NAME = "invoice\u202efdp.exe"
CONTROL_NAME = "bell\x07and\x1b[31mred.txt"
NFD_NAME = "cafe\u0301.txt"
LATIN1_NAME = b"caf\xe9.txt"
ENCRYPTED_MEMBERS = {"secret.txt": b"the secret content\n", "plans.txt": b"the plans\n"}
SEVEN_ZIP_MEMBERS = {"a.txt": b"seven a\n" * 10, "dir/b.txt": b"seven b\n", "empty.txt": b""}
SEVEN_ZIP_PASSWORD = "correct horse"
TAR_MEMBERS = {"docs/a.txt": b"tar a\n", "docs/b.txt": b"tar b\n" * 100}
SINGLE_CONTENT = b"a plain text file, compressed on its own\n" * 20
FIXED_MTIME = 1_700_000_000  # 2023-11-14T22:13:20+00:00


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _ready(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


# -- zip -----------------------------------------------------------------------------------
def build_nested_zip(folder: Path) -> Path:
    """outer.zip: two text files, a directory entry and inner.zip (itself two files)."""
    path = _ready(folder, "outer.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docs/", b"")
        for name, data in NESTED_OUTER.items():
            archive.writestr(name, data)
        archive.writestr("nested/inner.zip", zip_bytes(NESTED_INNER))
    return path


def build_ratio_bomb_zip(folder: Path, size: int = BOMB_BYTES) -> Path:
    """bomb.zip: `size` zeros deflated (about 1000:1), then an ordinary member."""
    path = _ready(folder, "bomb.zip")
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("zeros.bin", "w") as member:  # streamed: no 50 MB buffer
            for _ in range(size // len(zeros)):
                member.write(zeros)
        archive.writestr(*AFTER_BOMB)
    return path


def build_many_entries_zip(folder: Path, count: int = 50) -> Path:
    path = _ready(folder, "many.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(count):
            archive.writestr(f"file-{index:04d}.txt", f"member {index}\n".encode())
    return path


def build_overlapping_zip(folder: Path, copies: int = OVERLAP_COPIES) -> Path:
    """A "better zip bomb" (Fifield 2019) in its simplest form: one ordinary member, then one
    local file of 1 MiB of deflated zeros that `copies` central-directory entries all point at."""
    path = _ready(folder, "overlap.zip")
    readme_name, readme = b"readme.txt", b"an ordinary member before the kernel\n"
    kernel_plain = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    kernel = compressor.compress(kernel_plain) + compressor.flush()
    kernel_crc = zlib.crc32(kernel_plain)
    out = bytearray()
    central = bytearray()
    readme_offset = len(out)
    out += _local_header(readme_name, 0, zlib.crc32(readme), len(readme), len(readme)) + readme
    central += _central_header(
        readme_name, 0, zlib.crc32(readme), len(readme), len(readme), readme_offset
    )
    kernel_offset = len(out)
    kernel_name = b"kernel-000.bin"
    out += _local_header(kernel_name, 8, kernel_crc, len(kernel), len(kernel_plain)) + kernel
    for index in range(copies):
        name = f"kernel-{index:03d}.bin".encode()
        central += _central_header(
            name, 8, kernel_crc, len(kernel), len(kernel_plain), kernel_offset
        )
    central_offset = len(out)
    out += central
    out += struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, copies + 1, copies + 1, len(central), central_offset, 0
    )
    path.write_bytes(bytes(out))
    return path


def _local_header(name: bytes, method: int, crc: int, csize: int, usize: int) -> bytes:
    dos_time, dos_date = 0, (2020 - 1980) << 9 | 1 << 5 | 1
    fields = (b"PK\x03\x04", 20, 0, method, dos_time, dos_date, crc, csize, usize, len(name), 0)
    return struct.pack("<4sHHHHHIIIHH", *fields) + name


def _central_header(
    name: bytes, method: int, crc: int, csize: int, usize: int, offset: int
) -> bytes:
    dos_time, dos_date = 0, (2020 - 1980) << 9 | 1 << 5 | 1
    fields = (
        b"PK\x01\x02", 20, 20, 0, method, dos_time, dos_date, crc, csize, usize, len(name),
        0, 0, 0, 0, 0, offset,
    )  # fmt: skip
    return struct.pack("<4sHHHHHHIIIHHHHHII", *fields) + name


def build_traversal_zip(folder: Path) -> Path:
    """Members named with '../', absolute, '..\\', drive-letter and UNC paths."""
    path = _ready(folder, "traversal.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, name in enumerate(TRAVERSAL_NAMES):
            archive.writestr(zipfile.ZipInfo(name, (2021, 1, 1, 0, 0, 0)), f"payload {index}\n")
    return path


def build_weird_names_zip(folder: Path) -> Path:
    """Control and right-to-left characters, an NFD name, a non-UTF-8 name, a duplicate and a
    case collision."""
    path = _ready(folder, "names.zip")
    placeholder = "cafX.txt"
    assert len(placeholder.encode()) == len(LATIN1_NAME)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index, name in enumerate((RTL_NAME, CONTROL_NAME, NFD_NAME, placeholder)):
            archive.writestr(name, f"content number {index}\n")
        with warnings.catch_warnings():  # zipfile warns of the duplicate, which is the point
            warnings.simplefilter("ignore", UserWarning)
            archive.writestr("Report.txt", b"first report\n")
            archive.writestr("Report.txt", b"second report\n")
        archive.writestr("REPORT.txt", b"third report\n")
    # A name in a legacy code page: raw bytes without the UTF-8 flag, as old tools wrote them.
    path.write_bytes(path.read_bytes().replace(placeholder.encode(), LATIN1_NAME))
    return path


def build_symlink_zip(folder: Path) -> Path:
    """A zip with a Unix symlink escaping the root, one staying inside, and a plain file."""
    path = _ready(folder, "links.zip")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("docs/a.txt", b"zip a\n")
        for name, target in (("escape", "../../etc/passwd"), ("docs/inside", "a.txt")):
            info = zipfile.ZipInfo(name, (2021, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def build_utc_time_zip(folder: Path) -> Path:
    """One member with the extended-timestamp extra field (UTC), one with only a DOS time."""
    path = _ready(folder, "times.zip")
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("utc.txt", (2023, 11, 14, 23, 13, 20))
        info.extra = struct.pack("<HHBI", 0x5455, 5, 1, FIXED_MTIME)
        archive.writestr(info, b"utc\n")
        archive.writestr(zipfile.ZipInfo("local.txt", (2023, 11, 14, 23, 13, 20)), b"local\n")
    return path


def build_encrypted_zip(folder: Path) -> Path:
    """A normal zip with the encryption flag set in every local and central header: what a
    reader sees of a password-protected zip (stdlib cannot encrypt)."""
    path = _ready(folder, "encrypted.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in ENCRYPTED_MEMBERS.items():
            archive.writestr(name, content)
    data = bytearray(path.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        while position >= 0:
            (flags,) = struct.unpack_from("<H", data, position + flag_offset)
            struct.pack_into("<H", data, position + flag_offset, flags | 0x1)
            position = data.find(signature, position + 4)
    path.write_bytes(bytes(data))
    return path


def build_truncated_zip(folder: Path) -> Path:
    """Three stored members, cut in the middle of the third: no central directory left."""
    path = _ready(folder, "truncated.zip")
    members = {"one.txt": b"one\n" * 100, "two.txt": b"two\n" * 100, "three.txt": b"3" * 4000}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = path.read_bytes()
    third = data.find(b"PK\x03\x04", data.find(b"two.txt"))
    path.write_bytes(data[: third + 40])
    return path


def build_crc_mismatch_zip(folder: Path) -> Path:
    """A stored member with one content byte flipped after the CRC was written."""
    path = _ready(folder, "crc.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("good.txt", b"good content\n")
        archive.writestr("flipped.txt", b"original content\n")
    data = path.read_bytes()
    path.write_bytes(data.replace(b"original", b"0riginal"))
    return path


# -- tar -----------------------------------------------------------------------------------
def build_link_tar(folder: Path) -> Path:
    """Files, a directory, symlinks and hardlinks inside and escaping the root, a FIFO and a
    character device: every tar member type."""
    path = _ready(folder, "links.tar")
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        _add_tar_dir(archive, "docs")
        for name, data in TAR_MEMBERS.items():
            _add_tar_file(archive, name, data)
        for name, target in (
            ("docs/inside", "a.txt"),
            ("escape", "../../etc/passwd"),
            ("absolute", "/etc/shadow"),
        ):
            _add_tar_link(archive, name, target, tarfile.SYMTYPE)
        _add_tar_link(archive, "hard-inside", "docs/a.txt", tarfile.LNKTYPE)
        _add_tar_link(archive, "hard-escape", "../outside.txt", tarfile.LNKTYPE)
        for name, kind in (("pipe", tarfile.FIFOTYPE), ("tty", tarfile.CHRTYPE)):
            info = tarfile.TarInfo(name)
            info.type, info.mtime = kind, FIXED_MTIME
            archive.addfile(info)
    return path


def _add_tar_dir(archive: tarfile.TarFile, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, FIXED_MTIME
    archive.addfile(info)


def _add_tar_file(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), FIXED_MTIME
    archive.addfile(info, io.BytesIO(data))


def _add_tar_link(archive: tarfile.TarFile, name: str, target: str, kind: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mtime = kind, target, FIXED_MTIME
    archive.addfile(info)


def build_tar_gz(folder: Path) -> Path:
    path = _ready(folder, "docs.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        _add_tar_dir(archive, "docs")
        for name, data in TAR_MEMBERS.items():
            _add_tar_file(archive, name, data)
    return path


def build_tar_gz_bomb(folder: Path, size: int = BOMB_BYTES) -> Path:
    """A .tar.gz whose one member is `size` zeros: the whole stream is the bomb."""
    path = _ready(folder, "bomb.tar.gz")
    with tarfile.open(path, "w:gz", compresslevel=1) as archive:
        info = tarfile.TarInfo("zeros.bin")
        info.size, info.mtime = size, FIXED_MTIME
        archive.addfile(info, _Zeros(size))
    return path


class _Zeros(io.RawIOBase):
    """`size` zero bytes without holding them."""

    def __init__(self, size: int) -> None:
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self._left)
        buffer[:count] = bytes(count)
        self._left -= count
        return count


def build_non_utf8_tar(folder: Path) -> Path:
    path = _ready(folder, "latin1.tar")
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT, encoding="latin-1") as archive:
        _add_tar_file(archive, LATIN1_NAME.decode("latin-1"), b"latin-1 name\n")
    return path


def build_many_entries_tar(folder: Path, count: int = 50) -> Path:
    path = _ready(folder, "many.tar")
    with tarfile.open(path, "w") as archive:
        for index in range(count):
            _add_tar_file(archive, f"file-{index:04d}.txt", f"member {index}\n".encode())
    return path


def build_truncated_tar(folder: Path) -> Path:
    """Two members, cut inside the second one's data."""
    path = _ready(folder, "truncated.tar")
    with tarfile.open(path, "w") as archive:
        _add_tar_file(archive, "first.txt", b"first\n" * 100)
        _add_tar_file(archive, "second.txt", b"second\n" * 1000)
    data = path.read_bytes()
    path.write_bytes(data[: 512 + 1024 + 512 + 3000])
    return path


def build_tar_without_end_marker(folder: Path) -> Path:
    """One member, cut right after its data: no end-of-archive marker."""
    path = _ready(folder, "no-end.tar")
    with tarfile.open(path, "w") as archive:
        _add_tar_file(archive, "only.txt", b"only\n")
    path.write_bytes(path.read_bytes()[:1024])
    return path


def build_damaged_header_tar(folder: Path) -> Path:
    """Three members; the second's header checksum is broken, which tarfile alone would
    treat as the end of the archive."""
    path = _ready(folder, "damaged.tar")
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as archive:
        for name in ("one.txt", "two.txt", "three.txt"):
            _add_tar_file(archive, name, name.encode() + b"\n")
    data = bytearray(path.read_bytes())
    data[1024] ^= 0xFF  # the first byte of the second header's name
    path.write_bytes(bytes(data))
    return path


# -- single compressed files ---------------------------------------------------------------
def build_plain_gz(folder: Path) -> Path:
    """notes.txt.gz: one text file, gzip's header recording its name and time."""
    path = _ready(folder, "notes.txt.gz")
    with (
        open(path, "wb") as raw,
        gzip.GzipFile("notes.txt", "wb", fileobj=raw, mtime=FIXED_MTIME) as out,
    ):
        out.write(SINGLE_CONTENT)
    return path


def build_plain_bz2(folder: Path) -> Path:
    path = _ready(folder, "notes.txt.bz2")
    path.write_bytes(bz2.compress(SINGLE_CONTENT))
    return path


def build_plain_xz(folder: Path) -> Path:
    path = _ready(folder, "notes.txt.xz")
    path.write_bytes(lzma.compress(SINGLE_CONTENT))
    return path


def build_gz_bomb(folder: Path, size: int = BOMB_BYTES) -> Path:
    path = _ready(folder, "zeros.bin.gz")
    zeros = bytes(1024 * 1024)
    with gzip.open(path, "wb", compresslevel=1) as out:
        for _ in range(size // len(zeros)):
            out.write(zeros)
    return path


def build_truncated_gz(folder: Path) -> Path:
    path = build_plain_gz(folder)
    truncated = path.with_name("cut.txt.gz")
    truncated.write_bytes(path.read_bytes()[:-20])
    path.unlink()
    return truncated


# -- 7z ------------------------------------------------------------------------------------
def build_normal_7z(folder: Path) -> Path:
    path = _ready(folder, "normal.7z")
    with py7zr.SevenZipFile(path, "w") as archive:
        for name, data in SEVEN_ZIP_MEMBERS.items():
            archive.writestr(data, name)
    return path


def build_encrypted_7z(folder: Path, encrypt_headers: bool) -> Path:
    name = "encrypted-headers.7z" if encrypt_headers else "encrypted-content.7z"
    path = _ready(folder, name)
    with py7zr.SevenZipFile(
        path, "w", password=SEVEN_ZIP_PASSWORD, header_encryption=encrypt_headers
    ) as archive:
        for member, data in ENCRYPTED_MEMBERS.items():
            archive.writestr(data, member)
    return path


def build_7z_bomb(folder: Path, size: int = 8 * 1024 * 1024) -> Path:
    """Non-solid: a block of zeros, then an ordinary member in its own block."""
    path = _ready(folder, "bomb.7z")
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 1}]
    with py7zr.SevenZipFile(path, "w", filters=filters) as archive:
        archive.writestr(bytes(size), "zeros.bin")
    with py7zr.SevenZipFile(path, "a", filters=filters) as archive:
        archive.writestr(AFTER_BOMB[1], AFTER_BOMB[0])
    return path


def build_solid_7z_bomb(folder: Path, size: int = 8 * 1024 * 1024) -> Path:
    """One solid block: an ordinary member, zeros, two more members; then an empty file."""
    path = _ready(folder, "solid-bomb.7z")
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 1}]
    with py7zr.SevenZipFile(path, "w", filters=filters) as archive:
        archive.writestr(b"before the bomb\n", "before.txt")
        archive.writestr(bytes(size), "zeros.bin")
        archive.writestr(b"after the bomb\n", "after.txt")
        archive.writestr(b"after that\n", "after-2.txt")
        archive.writestr(b"", "empty.txt")
    return path


def build_7z_crc_mismatch(folder: Path) -> Path:
    """Stored (copy) members, one content byte flipped after the CRC was written."""
    path = _ready(folder, "crc.7z")
    filters = [{"id": py7zr.FILTER_COPY}]
    with py7zr.SevenZipFile(path, "w", filters=filters) as archive:
        archive.writestr(b"original content\n", "flipped.txt")
    data = path.read_bytes()
    path.write_bytes(data.replace(b"original", b"0riginal", 1))
    return path


def build_7z_traversal(folder: Path) -> Path:
    """A 7z member named '../evil.txt'. py7zr refuses to write such a name, so a same-length
    placeholder is patched in the (unencoded) header and the header CRCs recomputed."""
    path = _ready(folder, "traversal.7z")
    placeholder, evil = "zz/evil.txt", "../evil.txt"
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.set_encoded_header_mode(False)
        archive.writestr(b"ok\n", "ok.txt")
        archive.writestr(b"evil payload\n", placeholder)
    data = bytearray(path.read_bytes())
    old, new = placeholder.encode("utf-16-le"), evil.encode("utf-16-le")
    position = data.index(old)
    data[position : position + len(old)] = new
    next_offset, next_size = struct.unpack_from("<QQ", data, 12)
    header = data[32 + next_offset : 32 + next_offset + next_size]
    struct.pack_into("<I", data, 28, zlib.crc32(header))
    struct.pack_into("<I", data, 8, zlib.crc32(data[12:32]))
    path.write_bytes(bytes(data))
    return path


def build_7z_symlinks(folder: Path) -> Path:
    """A 7z holding a file, a link inside and a link escaping the root (py7zr only archives
    links whose targets exist, so a real tree is staged beside the archive)."""
    path = _ready(folder, "links.7z")
    stage = folder / "7z-stage"
    (stage / "root").mkdir(parents=True)
    (stage / "outside.txt").write_bytes(b"outside\n")
    (stage / "root" / "a.txt").write_bytes(b"seven link a\n")
    os.symlink("a.txt", stage / "root" / "inside")
    os.symlink("../outside.txt", stage / "root" / "escape")
    with py7zr.SevenZipFile(path, "w") as archive:
        for name in ("a.txt", "inside", "escape"):
            archive.write(stage / "root" / name, name)
    return path
