"""What the synthetic-media analyzer reports: indicators, each with the evidence a reviewer (and
a court) can check for themselves, and the standing statement that absence proves nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ABSENCE_PROVES_NOTHING = (
    "Absence of indicators proves nothing: metadata, provenance manifests and watermarks are "
    "removed by re-saving, screenshots, messaging apps and editing, and most generators write "
    "none of them. Each indicator present is evidence to weigh, not a conclusion."
)

#: IPTC Digital Source Type terms (https://cv.iptc.org/newscodes/digitalsourcetype/) that say a
#: generator made or changed the picture.
AI_SOURCE_TYPES = {
    "trainedAlgorithmicMedia": "created by a trained model (generative AI)",
    "compositeWithTrainedAlgorithmicMedia": "a composite that includes generative-AI content",
    "algorithmicMedia": "created by an algorithm without training data",
    "compositeSynthetic": "a composite that includes synthetic elements",
    "algorithmicallyEnhanced": "changed by an algorithm (e.g. AI enhancement)",
}


@dataclass(frozen=True, slots=True)
class Indicator:
    kind: str  # c2pa | xmp_digital_source_type | generator_parameters | exif_software | watermark
    finding: str  # one plain sentence
    indicates_ai: bool  # True when it says a generator made or changed the picture
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_fact(self) -> dict[str, Any]:
        return asdict(self)


def source_type_term(uri: str) -> str:
    """The term at the end of a digitalSourceType URI (or the value itself)."""
    return uri.rstrip("/").rsplit("/", 1)[-1]
