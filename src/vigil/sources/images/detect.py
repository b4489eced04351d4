"""Is this content a storage media image? A cheap look at its first bytes, before dfVFS is asked.

Container formats carry a signature (EWF, QCOW, VHDX, VMDK); a raw image (dd) carries none of
its own, so it is recognised by what it starts with: a partition table (MBR, GPT, APM) or a file
system's boot sector or superblock. dfVFS then decides: a candidate in which it finds no volume
and no file system stays an ordinary file.
"""

from __future__ import annotations

HEAD_BYTES = 64 * 1024  # the superblocks looked for lie within the first 64 KiB

# Container formats: their own signature at offset 0.
_CONTAINERS: tuple[tuple[bytes, str], ...] = (
    (b"EVF\x09\x0d\x0a\xff\x00", "ewf"),
    (b"EVF2\x0d\x0a\x81\x00", "ewf"),  # Ex01
    (b"QFI\xfb", "qcow"),
    (b"vhdxfile", "vhdx"),
    (b"KDMV", "vmdk"),
    (b"# Disk DescriptorFile", "vmdk"),
    (b"conectix", "vhd"),  # a dynamic VHD starts with a copy of its footer
)
# (offset, signature): what a raw image of a disk or of one file system starts with.
_RAW_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (512, b"EFI PART"),  # GPT header in LBA 1
    (3, b"NTFS    "),
    (3, b"EXFAT   "),
    (54, b"FAT12   "),
    (54, b"FAT16   "),
    (82, b"FAT32   "),
    (1080, b"\x53\xef"),  # ext2/3/4 superblock magic
    (1024, b"H+\x00\x04"),  # HFS+
    (1024, b"HX\x00\x05"),  # HFSX
    (32, b"NXSB"),  # APFS container
    (512, b"PM\x00\x00"),  # Apple Partition Map
)


def container_format(head: bytes) -> str | None:
    """ "ewf", "qcow", "vhdx", "vmdk" or "vhd" when the content starts like one."""
    for signature, name in _CONTAINERS:
        if head.startswith(signature):
            return name
    return None


def may_be_raw_image(head: bytes) -> bool:
    """True when the content starts like a raw disk or file-system image."""
    for offset, signature in _RAW_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return True
    return _has_mbr(head)


def _has_mbr(head: bytes) -> bool:
    """A boot signature and a partition table whose entries are plausible (boot flag 0 or
    0x80, a type, a start and a length): many files end a 512-byte block with 0x55AA."""
    if len(head) < 512 or head[510:512] != b"\x55\xaa":
        return False
    entries = [head[446 + 16 * index : 462 + 16 * index] for index in range(4)]
    used = [entry for entry in entries if entry[4] != 0]
    if not used:
        return False
    for entry in used:
        start = int.from_bytes(entry[8:12], "little")
        length = int.from_bytes(entry[12:16], "little")
        if entry[0] not in (0x00, 0x80) or start == 0 or length == 0:
            return False
    return True


def ewf_segment_number(head: bytes) -> int | None:
    """The segment number an EWF (E01) file records: 1 for the first, which opens the image."""
    if head.startswith(b"EVF\x09\x0d\x0a\xff\x00") and len(head) >= 11:
        return int.from_bytes(head[9:11], "little")
    return None
