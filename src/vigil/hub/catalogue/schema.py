"""A catalogue entry, the vocabularies its fields draw on, and the checks every entry passes.

The ids of the vocabularies are stable: filters, translations and other hubs refer to them, so
an id is added, never renamed. Texts shown to investigators come in the six UN languages, keyed
by Django's language codes (`zh-hans`, not `zh_Hans`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

#: The six UN languages, in the UN's order (Arabic, Chinese, English, French, Russian, Spanish).
LANGUAGES = ("ar", "zh-hans", "en", "fr", "ru", "es")
SOURCE_LANGUAGE = "en"  # entries are written in English first, then translated

CATEGORIES = (
    "object-detection",
    "voice-speech",
    "geolocation",
    "face",
    "hash-matching",
    "ocr",
    "chat-analysis",
    "osint",
    "crypto-tracing",
    "deepfake-detection",
    "csam-classification",
    "translation",
    "forensics-extraction",
    "video-analysis",
    "image-enhancement",
    "link-analysis",
    "timeline-analysis",
    "dark-web",
    "victim-identification",
    "text-analytics",
)
CRIMES = (
    "child-sexual-exploitation",
    "human-trafficking",
    "terrorism",
    "fraud",
    "drug-trafficking",
    "cybercrime",
    "money-laundering",
    "organised-crime",
    "general",
)
INPUTS = (
    "images",
    "video",
    "audio",
    "text",
    "documents",
    "files",
    "disk-images",
    "mobile-extractions",
    "chat-exports",
    "web",
    "social-media",
    "blockchain",
    "network-traffic",
    "hashes",
)
DEPLOYMENTS = ("on-premises", "air-gapped", "cloud", "browser-extension", "library")
COSTS = ("free", "free-for-law-enforcement", "commercial", "freemium", "on-request")
PROPRIETARY = "proprietary"

#: How many ids a list field takes: (fewest, most); None means no upper bound.
LIST_LIMITS: dict[str, tuple[int, int | None]] = {
    "categories": (1, 5),
    "crimes": (1, 6),
    "inputs": (1, None),
    "ui_languages": (0, None),  # [] when the tool's interface languages are not documented
    "deployment": (1, None),
}
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "categories": CATEGORIES,
    "crimes": CRIMES,
    "inputs": INPUTS,
    "deployment": DEPLOYMENTS,
}

#: ISO 639-1 two-letter codes, so that "jp" or "cn" in ui_languages is caught.
_ISO_639_1_CODES = """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 64
#: An SPDX licence expression of ids joined by AND/OR/WITH, e.g. "IPL-1.0 AND CPL-1.0".
_SPDX_ID = r"(?:LicenseRef-)?[A-Za-z0-9][A-Za-z0-9.+-]*"
SPDX_EXPRESSION = re.compile(rf"{_SPDX_ID}(?: (?:AND|OR|WITH) {_SPDX_ID})*")
#: A catalogue card, not an article: longer texts are cut off in the hub's lists.
MAX_TEXT = 1200
#: A text in these languages must hold letters of its script (catches English left untranslated
#: or a translation pasted under the wrong language).
_SCRIPTS = {
    "ar": ("Arabic", re.compile(r"[\u0600-\u06ff]")),
    "ru": ("Cyrillic", re.compile(r"[\u0400-\u04ff]")),
    "zh-hans": ("Chinese", re.compile(r"[\u4e00-\u9fff]")),
}


@dataclass(frozen=True, slots=True)
class Localised:
    """One text in each of the six UN languages."""

    ar: str
    zh_hans: str
    en: str
    fr: str
    ru: str
    es: str

    @classmethod
    def from_mapping(cls, texts: Mapping[str, str]) -> Localised:
        """Texts keyed by language code; a missing language becomes "" (validate reports it)."""
        return cls(*(texts.get(language, "") for language in LANGUAGES))

    def __getitem__(self, language: str) -> str:
        if language not in LANGUAGES:
            raise KeyError(language)
        return str(getattr(self, language.replace("-", "_")))

    def get(self, language: str) -> str:
        """The text in a Django language code (`zh-hans`, `zh_Hans`, `fr-ca`), else English."""
        code = language.lower().replace("_", "-")
        for candidate in (code, code.split("-")[0]):
            if candidate in LANGUAGES and self[candidate]:
                return self[candidate]
        return self.en

    def as_dict(self) -> dict[str, str]:
        return {language: self[language] for language in LANGUAGES}


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One tool in the hub's catalogue: what it does, for which crimes, and where data goes."""

    slug: str
    name: str
    provider: str
    categories: tuple[str, ...]
    crimes: tuple[str, ...]
    inputs: tuple[str, ...]
    ui_languages: tuple[str, ...]
    deployment: tuple[str, ...]
    licence: str
    cost: str
    open_source: bool
    reference: str
    description: Localised
    data_handling: Localised

    def as_dict(self) -> dict[str, object]:
        """The entry as plain data, in the order of a seed file (for YAML and JSON)."""
        return {
            "slug": self.slug,
            "name": self.name,
            "provider": self.provider,
            "categories": list(self.categories),
            "crimes": list(self.crimes),
            "inputs": list(self.inputs),
            "ui_languages": list(self.ui_languages),
            "deployment": list(self.deployment),
            "licence": self.licence,
            "cost": self.cost,
            "open_source": self.open_source,
            "reference": self.reference,
            "description": self.description.as_dict(),
            "data_handling": self.data_handling.as_dict(),
        }


FIELDS = tuple(CatalogueEntry.__dataclass_fields__)
TEXT_FIELDS = ("slug", "name", "provider", "licence", "cost", "reference")
LIST_FIELDS = tuple(LIST_LIMITS)
LOCALISED_FIELDS = ("description", "data_handling")


class Problem(NamedTuple):
    """What is wrong, and where: `field` is a path such as `categories[1]` or `description.fr`."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def validate(entry: CatalogueEntry) -> list[str]:
    """Every problem with one entry, one sentence each ("field: message"); [] when it is sound."""
    return [str(problem) for problem in problems(entry)]


def problems(entry: CatalogueEntry) -> list[Problem]:
    found: list[Problem] = []
    found += _slug_problems(entry.slug)
    for field in ("name", "provider"):
        if not getattr(entry, field).strip():
            found.append(Problem(field, "missing"))
    for field in LIST_FIELDS:
        found += _list_problems(field, getattr(entry, field))
    found += _licence_problems(entry.licence, entry.open_source)
    if entry.cost not in COSTS:
        found.append(Problem("cost", f"unknown cost {entry.cost!r} ({_one_of(COSTS)})"))
    found += _reference_problems(entry.reference)
    for field in LOCALISED_FIELDS:
        found += _localised_problems(field, getattr(entry, field))
    return found


def _slug_problems(slug: str) -> list[Problem]:
    if not SLUG.fullmatch(slug):
        return [Problem("slug", f"{slug!r} is not lower-case a-z, 0-9 and single '-' between")]
    if len(slug) > MAX_SLUG:
        return [Problem("slug", f"longer than {MAX_SLUG} characters")]
    return []


def _list_problems(field: str, values: tuple[str, ...]) -> list[Problem]:
    found: list[Problem] = []
    fewest, most = LIST_LIMITS[field]
    if len(values) < fewest:
        found.append(Problem(field, f"needs at least {fewest}"))
    if most is not None and len(values) > most:
        found.append(Problem(field, f"takes at most {most}, not {len(values)}"))
    vocabulary = VOCABULARIES.get(field)
    for index, value in enumerate(values):
        where = f"{field}[{index}]"
        if vocabulary is not None and value not in vocabulary:
            found.append(Problem(where, f"unknown id {value!r} ({_one_of(vocabulary)})"))
        elif vocabulary is None and value not in ISO_639_1:
            found.append(Problem(where, f"{value!r} is not an ISO 639-1 language code"))
        if value in values[:index]:
            found.append(Problem(where, f"{value!r} given twice"))
    return found


def _licence_problems(licence: str, open_source: bool) -> list[Problem]:
    if licence == PROPRIETARY:
        if open_source:
            return [Problem("licence", "an open-source tool needs its SPDX licence id")]
        return []
    if not SPDX_EXPRESSION.fullmatch(licence):
        return [Problem("licence", f"{licence!r} is neither an SPDX id nor {PROPRIETARY!r}")]
    return []


def _reference_problems(reference: str) -> list[Problem]:
    try:
        parts = urlsplit(reference)
    except ValueError as error:
        return [Problem("reference", f"not a URL: {error}")]
    if parts.scheme != "https" or not parts.hostname:
        return [Problem("reference", f"{reference!r} is not an https:// address")]
    if parts.username or parts.password or any(char.isspace() for char in reference):
        return [Problem("reference", f"{reference!r} holds credentials or spaces")]
    return []


def _localised_problems(field: str, texts: Localised) -> list[Problem]:
    found: list[Problem] = []
    source = texts[SOURCE_LANGUAGE].strip()
    for language in LANGUAGES:
        where = f"{field}.{language}"
        text = texts[language].strip()
        if not text:
            found.append(Problem(where, "missing: every entry is written in all six languages"))
            continue
        if len(text) > MAX_TEXT:
            found.append(Problem(where, f"{len(text)} characters; keep it under {MAX_TEXT}"))
        if language != SOURCE_LANGUAGE and text == source:
            found.append(Problem(where, "the English text, not a translation"))
        elif language in _SCRIPTS:
            script, letters = _SCRIPTS[language]
            if not letters.search(text):
                found.append(Problem(where, f"holds no {script} letters"))
    return found


def _one_of(vocabulary: Iterable[str]) -> str:
    return "one of: " + ", ".join(vocabulary)
