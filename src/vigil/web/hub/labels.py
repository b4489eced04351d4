"""Words shown for the catalogue's vocabulary ids (vigil.hub.catalogue.schema), translated."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CATEGORY_LABELS: dict[str, Promise] = {
    "object-detection": _("Object detection"),
    "voice-speech": _("Voice and speech"),
    "geolocation": _("Geolocation"),
    "face": _("Faces"),
    "hash-matching": _("Hash matching"),
    "ocr": _("Text in images (OCR)"),
    "chat-analysis": _("Chat analysis"),
    "osint": _("Open-source intelligence"),
    "crypto-tracing": _("Cryptocurrency tracing"),
    "deepfake-detection": _("Deepfake detection"),
    "csam-classification": _("Abuse material classification"),
    "translation": _("Translation"),
    "forensics-extraction": _("Forensic extraction"),
    "video-analysis": _("Video analysis"),
    "image-enhancement": _("Image enhancement"),
    "link-analysis": _("Link analysis"),
    "timeline-analysis": _("Timeline analysis"),
    "dark-web": _("Dark web"),
    "victim-identification": _("Victim identification"),
    "text-analytics": _("Text analytics"),
}
CRIME_LABELS: dict[str, Promise] = {
    "child-sexual-exploitation": _("Child sexual exploitation"),
    "human-trafficking": _("Human trafficking"),
    "terrorism": _("Terrorism"),
    "fraud": _("Fraud"),
    "drug-trafficking": _("Drug trafficking"),
    "cybercrime": _("Cybercrime"),
    "money-laundering": _("Money laundering"),
    "organised-crime": _("Organised crime"),
    "general": _("Any crime"),
}
INPUT_LABELS: dict[str, Promise] = {
    "images": _("Images"),
    "video": _("Video"),
    "audio": _("Audio"),
    "text": _("Text"),
    "documents": _("Documents"),
    "files": _("Files"),
    "disk-images": _("Disk images"),
    "mobile-extractions": _("Mobile extractions"),
    "chat-exports": _("Chat exports"),
    "web": _("Web pages"),
    "social-media": _("Social media"),
    "blockchain": _("Blockchain"),
    "network-traffic": _("Network traffic"),
    "hashes": _("Hashes"),
}
DEPLOYMENT_LABELS: dict[str, Promise] = {
    "on-premises": _("On premises"),
    "air-gapped": _("Air-gapped"),
    "cloud": _("Cloud"),
    "browser-extension": _("Browser extension"),
    "library": _("Software library"),
}
COST_LABELS: dict[str, Promise] = {
    "free": _("Free"),
    "free-for-law-enforcement": _("Free for law enforcement"),
    "commercial": _("Commercial"),
    "freemium": _("Free with paid options"),
    "on-request": _("On request"),
}
FACET_LABELS = {
    "category": CATEGORY_LABELS,
    "crime": CRIME_LABELS,
    "input": INPUT_LABELS,
    "deployment": DEPLOYMENT_LABELS,
    "cost": COST_LABELS,
}


def label(vocabulary: dict[str, Promise], value: str) -> str:
    return str(vocabulary.get(value, value))
