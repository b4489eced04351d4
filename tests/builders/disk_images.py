"""Disk and file-system images built with Debian's own tools, as a user would make them: no
mounting, no root. `make services` installs the tools (dosfstools, mtools, e2fsprogs, gdisk,
fdisk, ewf-tools)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

MIB = 1024 * 1024
SECTOR = 512


def run(*command: str | Path, stdin: str | None = None) -> None:
    tool = str(command[0])
    # mkfs.* live in /usr/sbin, outside a normal user's PATH on Debian.
    found = shutil.which(tool, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if found is None:
        pytest.fail(f"{tool} is missing: `make services` installs the image tools")
    subprocess.run(
        [found, *(str(part) for part in command[1:])],
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def fat_image(path: Path, files: dict[str, bytes], deleted: dict[str, bytes]) -> Path:
    """A FAT12 file system of 4 MiB holding `files`, and `deleted` written then deleted."""
    run("mkfs.fat", "-C", "-n", "TESTFAT", path, "4096")
    for name, content in {**files, **deleted}.items():
        _mcopy(path, name, content)
    for name in deleted:
        run("mdel", "-i", path, f"::/{name}")
    return path


def _mcopy(image: str | Path, name: str, content: bytes) -> None:
    staging = Path(str(image).split("@@")[0]).with_name(f"staging-{Path(name).name}")
    staging.write_bytes(content)
    folders = Path(name).parent.parts
    for depth in range(1, len(folders) + 1):
        subprocess.run(
            ["mmd", "-D", "s", "-i", str(image), "::/" + "/".join(folders[:depth])],
            capture_output=True,
        )  # an existing folder: fine
    run("mcopy", "-i", image, staging, f"::/{name}")
    staging.unlink()


def partitioned_disk(
    path: Path, table: str, fat_files: dict[str, bytes], ext_files: dict[str, bytes]
) -> Path:
    """A 24 MiB disk, MBR ("dos") or GPT, with a FAT partition at 1 MiB and an ext4 one at
    5 MiB."""
    with open(path, "wb") as disk:
        disk.truncate(24 * MIB)
    if table == "gpt":
        run(
            "sgdisk",
            "-n",
            "1:2048:10239",
            "-t",
            "1:0700",
            "-n",
            "2:10240:40959",
            "-t",
            "2:8300",
            path,
        )
    else:
        run(
            "sfdisk",
            "-q",
            path,
            stdin="label: dos\nstart=2048, size=8192, type=c\nstart=10240, size=30720, type=83\n",
        )
    run("mkfs.fat", "--offset", "2048", "-n", "PART1", path, "4096")
    for name, content in fat_files.items():
        _mcopy(f"{path}@@1M", name, content)
    tree = path.with_name(f"{path.name}-tree")
    for name, content in ext_files.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(content)
    run("mkfs.ext4", "-q", "-F", "-E", f"offset={10240 * SECTOR}", "-d", tree, path, "15360k")
    shutil.rmtree(tree)
    return path


def ewf_of(raw: Path, target: Path, segment_bytes: int | None = None) -> Path:
    """An E01 (EnCase 6) of `raw`, its MD5 recorded, in segments of `segment_bytes` if given."""
    command: list[str | Path] = [
        "ewfacquire",
        "-u",
        "-t",
        target,
        "-c",
        "deflate:fast",
        "-f",
        "encase6",
    ]
    if segment_bytes is not None:
        command += ["-S", str(segment_bytes)]
    run(*command, raw)
    return target.with_name(f"{target.name}.E01")


def converted(raw: Path, fmt: str) -> Path:
    """`raw` as a virtual disk: qemu-img's "qcow2", "vmdk", "vhdx" or "vpc" (VHD)."""
    suffix = {"qcow2": ".qcow2", "vmdk": ".vmdk", "vhdx": ".vhdx", "vpc": ".vhd"}[fmt]
    target = raw.with_suffix(suffix)
    run("qemu-img", "convert", "-f", "raw", "-O", fmt, raw, target)
    return target


def ntfs_image(path: Path, name: str, content: bytes, streams: dict[str, bytes]) -> Path:
    """A 16 MiB NTFS file system holding `name`, with alternate data streams `streams`."""
    with open(path, "wb") as image:
        image.truncate(16 * MIB)
    run("mkntfs", "-q", "-F", "-f", path)
    for stream, data in {"": content, **streams}.items():
        staging = path.with_name(f"staging-{stream or 'main'}")
        staging.write_bytes(data)
        run("ntfscp", "-f", *(["-N", stream] if stream else []), path, staging, name)
        staging.unlink()
    return path
