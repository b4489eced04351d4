"""The instance's evidence policy: roots from VIGIL_EVIDENCE_ROOTS and those an administrator
declared (audited), the instance's own files protected. Every door that reads evidence (the
CLI, jobs, the API) admits its path here, and every refusal is written to the audit log."""

from __future__ import annotations

import os
from pathlib import Path

from vigil import config
from vigil.audit.log import record
from vigil.core.evidence import EvidencePolicy, EvidenceRefused, is_within
from vigil.records.cases.models import EvidenceRoot


def evidence_policy(home: Path | None = None) -> EvidencePolicy:
    home = home or config.vigil_home()
    declared = EvidenceRoot.objects.values_list("path", flat=True)
    return EvidencePolicy.build(
        [*config.evidence_roots_from_env(), *declared], config.protected_paths(home)
    )


def listed_roots() -> list[tuple[str, str]]:
    """(path, where it was declared) for every root, the environment's first."""
    roots = [(root, "VIGIL_EVIDENCE_ROOTS") for root in config.evidence_roots_from_env()]
    for root in EvidenceRoot.objects.order_by("path"):
        roots.append((root.path, f"declared by {root.declared_by}"))
    return roots


def admit_source(
    path: str | Path,
    *,
    actor: str,
    case_name: str | None,
    via: str,
    policy: EvidencePolicy | None = None,
    must_exist: bool = True,
) -> Path:
    """The resolved path of the seizure, or EvidenceRefused (audited)."""
    try:
        return (policy or evidence_policy()).admit(path, must_exist=must_exist)
    except EvidenceRefused:
        record(
            "evidence.refused",
            actor=actor,
            outcome="refused",
            case_name=case_name,
            purpose=via,
            details={"path": os.fsdecode(os.fspath(path))[:4096]},
        )
        raise


class RootRefused(ValueError):
    """A root that cannot be declared; the message says why."""


def declare_root(path: str | Path, *, actor: str) -> str:
    """Declares a folder as an evidence root. It must exist, be a folder, and lie outside the
    instance home. (It may hold the home: a seizure path that holds it is refused when admitted.)"""
    raw = os.fspath(path)
    if not os.path.isabs(raw):
        raise RootRefused(f"an evidence root must be an absolute path, not {raw!r}")
    real = os.path.realpath(raw)
    if not os.path.isdir(real):
        raise RootRefused(f"{raw} is not a folder")
    protected = EvidencePolicy.build([], config.protected_paths(config.vigil_home())).protected
    if any(is_within(real, kept) for kept in protected):
        raise RootRefused(f"{raw} lies inside the instance's own folder (VIGIL_HOME)")
    _, created = EvidenceRoot.objects.get_or_create(path=real, defaults={"declared_by": actor})
    if created:
        record("evidence.root_declared", actor=actor, details={"path": real})
    return real


def withdraw_root(path: str | Path, *, actor: str) -> bool:
    real = os.path.realpath(os.fspath(path))
    deleted, _ = EvidenceRoot.objects.filter(path__in={os.fspath(path), real}).delete()
    if deleted:
        record("evidence.root_withdrawn", actor=actor, details={"path": real})
    return bool(deleted)
