"""All entities of a text in one call. Where two findings claim the same characters the more
specific one wins (a card number is not also a phone number), except that a URL keeps its
domain or onion address beside it."""

from __future__ import annotations

from collections.abc import Iterable

from vigil.chats.entities import banking, contact, crypto, onion, web
from vigil.chats.entities.hits import EntityHit, Kind

# Most specific first.
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        (
            Kind.CRYPTO,
            Kind.ONION,
            Kind.IBAN,
            Kind.CARD,
            Kind.EMAIL,
            Kind.URL,
            Kind.DOMAIN,
            Kind.PHONE,
            Kind.HANDLE,
        )
    )
}
_COMPANIONS = {frozenset({Kind.URL, Kind.DOMAIN}), frozenset({Kind.URL, Kind.ONION})}


def extract(
    text: str, *, link_targets: Iterable[str] = (), default_region: str | None = None
) -> list[EntityHit]:
    """Entities of `text`, in text order, plus those of link targets hidden behind the text
    (Telegram's text_link), which carry the span -1..-1."""
    found: list[EntityHit] = []
    if text:
        found += crypto.find(text)
        found += onion.find(text)
        found += banking.find_ibans(text)
        found += banking.find_cards(text)
        found += web.find_emails(text)
        found += web.find_urls(text)
        found += web.find_domains(text)
        found += contact.find_phones(text, default_region)
        found += contact.find_handles(text)
    kept = _resolve(found)
    for target in link_targets:
        kept += web.url_hits(target, -1, -1)
    return kept


def _resolve(found: list[EntityHit]) -> list[EntityHit]:
    kept: list[EntityHit] = []
    seen: set[tuple[Kind, str, int]] = set()
    for hit in sorted(found, key=lambda hit: (_PRIORITY[hit.kind], hit.start)):
        if (hit.kind, hit.value, hit.start) in seen:
            continue
        if any(
            hit.overlaps(other) and frozenset({hit.kind, other.kind}) not in _COMPANIONS
            for other in kept
        ):
            continue
        kept.append(hit)
        seen.add((hit.kind, hit.value, hit.start))
    return sorted(kept, key=lambda hit: (hit.start, _PRIORITY[hit.kind]))
