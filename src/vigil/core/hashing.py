"""MD5, SHA-1 and SHA-256 of a byte stream, computed together in one read pass."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class Digests:
    size: int
    md5: str
    sha1: str
    sha256: str


class MultiHasher:
    """Feeds every chunk to the three digests; hashlib releases the GIL on large chunks."""

    __slots__ = ("_md5", "_sha1", "_sha256", "size")

    def __init__(self) -> None:
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self._sha256 = hashlib.sha256()
        self.size = 0

    def update(self, chunk: bytes | memoryview) -> None:
        self._md5.update(chunk)
        self._sha1.update(chunk)
        self._sha256.update(chunk)
        self.size += len(chunk)

    def digests(self) -> Digests:
        return Digests(
            size=self.size,
            md5=self._md5.hexdigest(),
            sha1=self._sha1.hexdigest(),
            sha256=self._sha256.hexdigest(),
        )


def hash_bytes(data: bytes) -> Digests:
    hasher = MultiHasher()
    hasher.update(data)
    return hasher.digests()


def hash_stream(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Digests:
    hasher = MultiHasher()
    while chunk := stream.read(chunk_size):
        hasher.update(chunk)
    return hasher.digests()


def sha256_file(path: str, chunk_size: int = CHUNK_SIZE) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
