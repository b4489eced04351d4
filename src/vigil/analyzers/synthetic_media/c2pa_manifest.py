"""C2PA Content Credentials through c2pa-python: the active manifest, its claim generator, the
actions with their digitalSourceType, and the validation status. Never fetches anything: remote
manifests and OCSP are off. Trust is not evaluated (no trust list ships), so an untrusted
signing credential is reported as such, not as a failure of the content."""

from __future__ import annotations

import functools
import json
from typing import Any

from vigil.analyzers.synthetic_media.indicators import (
    AI_SOURCE_TYPES,
    Indicator,
    source_type_term,
)

MIME_BY_TYPE = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "tiff": "image/tiff",
    "heic": "image/heic",
    "avif": "image/avif",
    "gif": "image/gif",
}
#: Markers that any embedded manifest store contains; without them c2pa is not asked at all.
_MARKERS = (b"c2pa", b"jumb")


class C2paUnavailable(RuntimeError):
    """c2pa-python is not installed."""


def read_c2pa(data: bytes, type_label: str) -> Indicator | None:
    """The manifest store as an indicator, or None when the file carries none."""
    if not all(marker in data for marker in _MARKERS):
        return None
    try:
        import c2pa
    except ImportError:
        raise C2paUnavailable("the c2pa-python package is not installed") from None
    import io

    try:
        with c2pa.Reader(
            MIME_BY_TYPE.get(type_label, ""), io.BytesIO(data), context=_context()
        ) as r:
            store = json.loads(r.json())
    except c2pa.C2paError as error:
        if "ManifestNotFound" in type(error).__name__ or "no JUMBF" in str(error):
            return None
        return Indicator(
            "c2pa",
            "A C2PA manifest store is present but cannot be read; treat it as unverified.",
            False,
            {"error": str(error)[:300]},
        )
    return _summarise(store)


@functools.cache
def _context() -> Any:
    import c2pa

    settings = c2pa.Settings.from_dict(
        {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    )
    return c2pa.Context(settings)


def _summarise(store: dict[str, Any]) -> Indicator:
    manifests = store.get("manifests") or {}
    active_label = store.get("active_manifest")
    active = manifests.get(active_label) or {}
    actions = []
    source_types: dict[str, str] = {}
    for label, manifest in manifests.items():
        for action in _actions(manifest):
            entry = {
                "manifest": label,
                "active": label == active_label,
                "action": action.get("action", ""),
                "digital_source_type": action.get("digitalSourceType", ""),
                "software_agent": _agent(action.get("softwareAgent")),
            }
            actions.append(entry)
            if entry["digital_source_type"]:
                source_types[entry["digital_source_type"]] = label
    ai_terms = sorted({source_type_term(uri) for uri in source_types} & set(AI_SOURCE_TYPES))
    state = store.get("validation_state", "")
    statuses = [s.get("code", "") for s in store.get("validation_status") or []]
    failures = [code for code in statuses if code != "signingCredential.untrusted"]
    evidence = {
        "active_manifest": active_label,
        "claim_generator": active.get("claim_generator", ""),
        "claim_generator_info": [
            {k: v for k, v in info.items() if k in ("name", "version")}
            for info in active.get("claim_generator_info") or []
            if isinstance(info, dict)
        ],
        "title": active.get("title", ""),
        "signature_issuer": (active.get("signature_info") or {}).get("issuer", ""),
        "signed_at": (active.get("signature_info") or {}).get("time", ""),
        "validation_state": state,
        "validation_status": statuses,
        "trust_checked": False,
        "actions": actions,
        "ai_source_types": ai_terms,
        "manifests": len(manifests),
    }
    if failures:
        finding = (
            f"A C2PA manifest is present but does not validate ({', '.join(failures)}): "
            "the picture or its manifest was changed after signing."
        )
    elif ai_terms:
        meanings = "; ".join(AI_SOURCE_TYPES[term] for term in ai_terms)
        finding = f"The C2PA manifest declares the picture as {meanings} ({', '.join(ai_terms)})."
    else:
        finding = "A C2PA manifest is present and validates; it declares no AI generation."
    return Indicator("c2pa", finding, bool(ai_terms), evidence)


def _actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for assertion in manifest.get("assertions") or []:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            found += [
                a for a in (assertion.get("data") or {}).get("actions") or [] if isinstance(a, dict)
            ]
    return found


def _agent(agent: Any) -> str:
    if isinstance(agent, dict):
        return " ".join(str(agent.get(key, "")) for key in ("name", "version")).strip()
    return str(agent or "")
