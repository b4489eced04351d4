"""The content's type from its magic bytes, and whether its name claims another."""

from __future__ import annotations

from vigil.analyzers.base import Analyzer, BytesInput, Example
from vigil.analyzers.context import AnalyzerContext, AnalyzerOutput
from vigil.core import filetype


class FileTypeAnalyzer(BytesInput, Analyzer):
    name = "file_type"
    version = "1.0"
    title = "File type by magic bytes"
    summary = "Types content from its first bytes, never its name; flags a lying extension."
    triage_step = True

    def analyze(self, ctx: AnalyzerContext) -> None:
        with ctx.open() as stream:
            header = stream.read(filetype.HEADER_BYTES)
        file_type = filetype.sniff(header)
        ctx.fact("type_label", file_type.label)
        ctx.fact("mime", file_type.mime)
        ctx.fact("family", file_type.family)
        if ctx.name and filetype.extension_disagrees(ctx.name, file_type):
            ext = filetype.extension_of(ctx.name)
            ctx.warn(
                "extension_mismatch",
                f"The name ends in .{ext} but the content is {file_type.label}.",
            )

    @classmethod
    def examples(cls) -> list[Example]:
        def png_named_pdf(output: AnalyzerOutput) -> None:
            assert output.facts["type_label"] == "png"
            assert [issue.code for issue in output.issues] == ["extension_mismatch"]

        return [
            Example(
                "report.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image", "png", png_named_pdf
            ),
        ]
