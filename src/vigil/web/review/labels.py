"""Translated names of the values reviewers see: statuses, types, categories and their keys."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vigil.matching.categories import UNCATEGORISED

STATUS_LABELS: dict[str, Promise] = {
    "unknown": _("Unknown (possibly new)"),
    "near": _("Near match"),
    "known_illicit": _("Known illicit"),
    "known_good": _("Known good"),
}
FAMILY_LABELS: dict[str, Promise] = {
    "image": _("Images"),
    "video": _("Videos"),
    "audio": _("Audio"),
    "document": _("Documents"),
    "archive": _("Archives"),
    "text": _("Text"),
    "other": _("Other"),
    "": _("Not typed"),
}
ITEM_STATUS_LABELS: dict[str, Promise] = {
    "processed": _("Processed"),
    "failed": _("Failed"),
    "pending": _("Pending"),
}
# VICS 0-4 (Project VIC) and CAID A-C (UK): the same texts as vigil.matching.categories.
CATEGORY_LABELS: dict[str, Promise] = {
    "vics:0": _("VICS 0: non-pertinent"),
    "vics:1": _("VICS 1: child abuse material"),
    "vics:2": _("VICS 2: child exploitive / age difficult"),
    "vics:3": _("VICS 3: CGI / animation"),
    "vics:4": _("VICS 4: comparison image"),
    "caid:A": _("CAID A: penetrative, bestiality or sadism"),
    "caid:B": _("CAID B: non-penetrative"),
    "caid:C": _("CAID C: other indecent"),
    UNCATEGORISED: _("Uncategorised"),
}
# The keyboard: number keys for VICS, letters for CAID grades, u to clear.
CATEGORY_KEYS: dict[str, str] = {
    "0": "vics:0",
    "1": "vics:1",
    "2": "vics:2",
    "3": "vics:3",
    "4": "vics:4",
    "a": "caid:A",
    "b": "caid:B",
    "c": "caid:C",
    "u": "",
}


def category_label(key: str | None) -> str:
    return str(CATEGORY_LABELS.get(key or UNCATEGORISED, key or ""))


ROLE_LABELS: dict[str, Promise] = {
    "investigator": _("Investigator"),
    "reviewer": _("Reviewer"),
    "supervisor": _("Supervisor"),
    "governance_officer": _("Governance officer"),
    "agency_admin": _("Agency administrator"),
    "hub_admin": _("Hub administrator"),
}
