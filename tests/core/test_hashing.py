import io

from vigil.core.hashing import hash_bytes, hash_stream


def test_the_empty_file_has_the_well_known_digests() -> None:
    digests = hash_bytes(b"")
    assert digests.size == 0
    assert digests.md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert digests.sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    assert digests.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_abc_has_the_digests_published_in_the_standards() -> None:
    digests = hash_bytes(b"abc")
    assert digests.md5 == "900150983cd24fb0d6963f7d28e17f72"
    assert digests.sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d"
    assert digests.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_million_a_hashes_the_same_streamed_in_odd_chunks() -> None:
    data = b"a" * 1_000_000
    streamed = hash_stream(io.BytesIO(data), chunk_size=4093)
    assert streamed == hash_bytes(data)
    assert streamed.sha256 == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    assert streamed.sha1 == "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
    assert streamed.md5 == "7707d6ae4e027c70eea2a935c2296f21"
