"""E-mail addresses, URLs and domains. A URL gives its host as a domain too, so that one site
links every message that points to it, however each one wrote the link."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from vigil.chats.entities import onion
from vigil.chats.entities.hits import EntityHit, Kind
from vigil.chats.entities.tlds import TLDS

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
EMAILS = re.compile(
    rf"(?<![\w.+-])[a-z0-9._%+-]{{1,64}}@((?:{_LABEL}\.)+[a-z]{{2,24}})(?![\w-])", re.IGNORECASE
)
URLS = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
BARE_DOMAINS = re.compile(rf"(?<![\w@./-])((?:{_LABEL}\.)+([a-z]{{2,24}}))(?![\w-])", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}>"


def find_emails(text: str) -> Iterator[EntityHit]:
    for match in EMAILS.finditer(text):
        domain = match.group(1).lower()
        if domain.rsplit(".", 1)[-1] in TLDS:
            yield EntityHit(
                Kind.EMAIL, match.group().lower(), match.start(), match.end(), {"domain": domain}
            )


def find_urls(text: str) -> Iterator[EntityHit]:
    for match in URLS.finditer(text):
        raw = _trim(match.group())
        yield from url_hits(raw, match.start(), match.start() + len(raw))


def url_hits(raw: str, start: int, end: int) -> Iterator[EntityHit]:
    """The URL, and its host as a domain (or onion): also used for link targets (start -1)."""
    normalised, host = normalise_url(raw)
    if normalised is None or host is None:
        return
    yield EntityHit(Kind.URL, normalised, start, end, {"domain": host})
    if host.endswith(".onion"):
        label = host.rsplit(".", 2)[-2]
        if onion.is_valid_v3(label):
            yield EntityHit(Kind.ONION, f"{label}.onion", start, end)
    elif not _is_ip(host):
        yield EntityHit(Kind.DOMAIN, _strip_www(host), start, end)


def find_domains(text: str) -> Iterator[EntityHit]:
    for match in BARE_DOMAINS.finditer(text):
        if match.group(2).lower() in TLDS:
            host = match.group(1).lower()
            yield EntityHit(Kind.DOMAIN, _strip_www(host), match.start(), match.end())


def normalise_url(raw: str) -> tuple[str | None, str | None]:
    candidate = raw if "://" in raw else f"http://{raw}"
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None, None
    if not host or not (_is_ip(host) or _is_hostname(host)):
        return None, None
    netloc = parts.netloc.rsplit("@", 1)[-1].lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, "")), host.lower()


def _trim(raw: str) -> str:
    # A sentence's closing punctuation is not part of the link; a balanced ")" is (Wikipedia).
    while raw and raw[-1] in _TRAILING:
        if raw[-1] == ")" and raw.count("(") >= raw.count(")"):
            break
        raw = raw[:-1]
    return raw


def _is_hostname(host: str) -> bool:
    labels = host.split(".")
    return len(labels) >= 2 and all(re.fullmatch(_LABEL, label, re.IGNORECASE) for label in labels)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") and host.count(".") >= 2 else host
