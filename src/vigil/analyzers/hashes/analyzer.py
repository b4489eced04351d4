"""MD5, SHA-1 and SHA-256 of the content: the identity of every item, exact hash matching."""

from __future__ import annotations

from vigil.analyzers.base import Analyzer, BytesInput, Example
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.core.hashing import hash_stream


class HashesAnalyzer(BytesInput, Analyzer):
    name = "hashes"
    version = "1.0"
    title = "Cryptographic hashes"
    summary = "MD5, SHA-1 and SHA-256 of every file, computed in the same pass that reads it."
    triage_step = True
    #: Triage computes these while it copies the file into the store (one read pass); the
    #: analyzer gives the step its place in the catalogue, its approval and its contract test.
    computed_during_read = True

    def analyze(self, ctx: AnalyzerContext) -> None:
        with ctx.open() as stream:
            digests = hash_stream(stream)
        ctx.fact("size", digests.size)
        ctx.fact("md5", digests.md5)
        ctx.fact("sha1", digests.sha1)
        ctx.fact("sha256", digests.sha256)

    @classmethod
    def examples(cls) -> list[Example]:
        def empty(output: AnalyzerOutput) -> None:
            assert output.facts["md5"] == "d41d8cd98f00b204e9800998ecf8427e"
            assert output.facts["sha256"] == (
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            )

        def abc(output: AnalyzerOutput) -> None:
            assert output.facts["sha1"] == "a9993e364706816aba3e25717850c26c9cd0d89d"

        return [
            Example("the empty file", b"", "other", "empty", empty),
            Example("abc", b"abc", "text", "text", abc),
        ]
