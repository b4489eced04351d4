"""Generation traces in a file's own metadata, read from the bytes without any XML parser or
decoder that hostile input could abuse: the IPTC DigitalSourceType in XMP, the parameters that
image generators write into PNG text chunks, and generator names in EXIF.

Sizes are bounded throughout: a PNG's text is read up to MAX_TEXT per chunk and MAX_CHUNKS
chunks, compressed text is inflated to MAX_TEXT at most (a zlib bomb stops there)."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

from vigil.analyzers.synthetic_media.indicators import (
    AI_SOURCE_TYPES,
    Indicator,
    source_type_term,
)

MAX_TEXT = 64 * 1024
MAX_CHUNKS = 4096
EVIDENCE_CHARS = 500  # generator parameters quoted as evidence, at most
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_DIGITAL_SOURCE_TYPE = re.compile(
    rb"Iptc4xmpExt:DigitalSourceType\s*(?:=\s*[\"']([^\"']{1,300})[\"']"
    rb"|>\s*([^<]{1,300})<|[^>]{0,200}?rdf:resource\s*=\s*[\"']([^\"']{1,300})[\"'])"
)
#: Generator names as they appear in EXIF Software, PNG Software or C2PA claim generators.
GENERATORS = (
    "stable diffusion", "automatic1111", "comfyui", "invokeai", "novelai", "fooocus",
    "midjourney", "dall-e", "dall·e", "firefly", "imagen", "ideogram", "leonardo.ai",
    "bing image creator", "flux", "sdxl", "diffusers", "craiyon", "nightcafe", "dreamstudio",
)  # fmt: skip
#: PNG text keywords under which generators store their parameters, and whose they are.
PARAMETER_KEYS = {
    "parameters": "AUTOMATIC1111 / Forge / Fooocus",
    "prompt": "ComfyUI",
    "workflow": "ComfyUI",
    "invokeai_metadata": "InvokeAI",
    "sd-metadata": "InvokeAI",
    "dream": "InvokeAI",
    "generation_data": "Civitai / Easy Diffusion",
    "fooocus_scheme": "Fooocus",
}
_A1111_LINE = re.compile(r"Steps: \d+, Sampler: ")


def digital_source_types(data: bytes) -> Indicator | None:
    """IPTC DigitalSourceType values in any XMP packet of the file."""
    values = []
    for match in _DIGITAL_SOURCE_TYPE.finditer(data):
        raw = next(group for group in match.groups() if group)
        value = raw.decode("utf-8", errors="replace").strip()
        if value and value not in values:
            values.append(value)
    if not values:
        return None
    ai_terms = [source_type_term(v) for v in values if source_type_term(v) in AI_SOURCE_TYPES]
    if ai_terms:
        meanings = "; ".join(AI_SOURCE_TYPES[term] for term in ai_terms)
        finding = f"The XMP metadata declares the picture as {meanings}."
    else:
        finding = f"The XMP metadata states its digital source type: {', '.join(values)}."
    return Indicator(
        "xmp_digital_source_type", finding, bool(ai_terms), {"digital_source_type": values}
    )


def png_text_chunks(data: bytes) -> dict[str, str]:
    """tEXt, zTXt and iTXt chunks of a PNG, anywhere in the file (also after IDAT), by keyword."""
    if not data.startswith(PNG_SIGNATURE):
        return {}
    texts: dict[str, str] = {}
    offset = len(PNG_SIGNATURE)
    for _ in range(MAX_CHUNKS):
        if offset + 8 > len(data):
            break
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            parsed = _text_chunk(kind, body)
            if parsed is not None:
                texts.setdefault(parsed[0], parsed[1])
        if kind == b"IEND":
            break
    return texts


def generator_parameters(texts: dict[str, str]) -> Indicator | None:
    found = {key: value for key, value in texts.items() if key.lower() in PARAMETER_KEYS}
    software = texts.get("Software", "")
    if software.strip().lower() == "novelai" and "Comment" in texts:
        found["Comment"] = texts["Comment"]
    if not found:
        return None
    tools = sorted({PARAMETER_KEYS.get(key.lower(), "NovelAI") for key in found})
    return Indicator(
        "generator_parameters",
        f"The file carries image-generation parameters in its PNG text ({', '.join(tools)}).",
        True,
        {
            "keys": sorted(found),
            "tools": tools,
            "excerpt": {key: value[:EVIDENCE_CHARS] for key, value in sorted(found.items())},
        },
    )


def exif_generator(software: str | None, user_comment: str | None) -> Indicator | None:
    """A generator named in EXIF Software, or AUTOMATIC1111 parameters in EXIF UserComment."""
    evidence: dict[str, Any] = {}
    named = _generator_in(software or "")
    if named:
        evidence["software"] = software
    if user_comment and _A1111_LINE.search(user_comment):
        evidence["user_comment"] = user_comment[:EVIDENCE_CHARS]
    if not evidence:
        return None
    if named:
        finding = f"EXIF Software names an image generator ({named})."
    else:
        finding = "EXIF UserComment holds image-generation parameters (AUTOMATIC1111 format)."
    return Indicator("exif_software", finding, True, evidence)


def software_in_text(texts: dict[str, str]) -> Indicator | None:
    named = _generator_in(texts.get("Software", ""))
    if not named:
        return None
    return Indicator(
        "exif_software",
        f"The PNG Software text names an image generator ({named}).",
        True,
        {"software": texts["Software"][:EVIDENCE_CHARS]},
    )


def _generator_in(text: str) -> str:
    lowered = text.lower()
    return next((name for name in GENERATORS if name in lowered), "")


def _text_chunk(kind: bytes, body: bytes) -> tuple[str, str] | None:
    keyword, separator, rest = body.partition(b"\x00")
    if not separator or not 0 < len(keyword) < 80:
        return None
    name = keyword.decode("latin-1")
    if kind == b"tEXt":
        return name, rest[:MAX_TEXT].decode("latin-1")
    if kind == b"zTXt":
        return name, _inflate(rest[1:]).decode("latin-1")
    # iTXt: compression flag, method, language tag NUL, translated keyword NUL, text (UTF-8)
    if len(rest) < 2:
        return None
    compressed, parts = rest[0], rest[2:].split(b"\x00", 2)
    if len(parts) < 3:
        return None
    text = _inflate(parts[2]) if compressed else parts[2][:MAX_TEXT]
    return name, text.decode("utf-8", errors="replace")


def _inflate(raw: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(raw, MAX_TEXT)
    except zlib.error:
        return b""
