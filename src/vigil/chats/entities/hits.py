"""What an entity extractor reports: a validated, normalised value and where it stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    DOMAIN = "domain"
    ONION = "onion"
    CRYPTO = "crypto"
    IBAN = "iban"
    CARD = "card"
    HANDLE = "handle"


@dataclass(frozen=True, slots=True)
class EntityHit:
    kind: Kind
    value: str  # normalised: the same entity written two ways has one value
    start: int  # span in the text; -1 for a value that is not in the visible text (a link target)
    end: int
    details: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def overlaps(self, other: EntityHit) -> bool:
        return self.start < other.end and other.start < self.end
