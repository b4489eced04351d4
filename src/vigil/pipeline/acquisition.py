"""The acquisition check of a raw image given as the source: the MD5 / SHA-1 the acquisition
log states, against those triage computed over the image file (for a raw image, the file is
the media). An EWF image checks itself (`sources/images/acquisition.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vigil.audit.log import record
from vigil.core.issues import Issue
from vigil.records.cases.models import Item, Source

_HEX = {"md5": re.compile(r"[0-9a-f]{32}"), "sha1": re.compile(r"[0-9a-f]{40}")}


class ExpectedHashError(ValueError):
    """An expected hash that is not one, or a source that is not a single file."""


@dataclass(frozen=True, slots=True)
class AcquisitionCheck:
    expected: dict[str, str]
    computed: dict[str, str]

    @property
    def verified(self) -> bool:
        return all(self.computed.get(name) == value for name, value in self.expected.items())


def expected_hashes(md5: str | None, sha1: str | None) -> dict[str, str]:
    """The expected hashes given, lower-cased; ExpectedHashError for one that is malformed."""
    given = {name: value.strip().lower() for name, value in (("md5", md5), ("sha1", sha1)) if value}
    for name, value in given.items():
        if not _HEX[name].fullmatch(value):
            raise ExpectedHashError(f"--expected-{name} is not an {name.upper()} in hex")
    return given


def check_source_image(source: Source, expected: dict[str, str], actor: str) -> AcquisitionCheck:
    """Compares the source file's hashes with `expected`, records the result on its item
    (facts, and an error first among its issues on a mismatch) and in the audit log."""
    item = (
        Item.objects.filter(source=source, depth=0, kind="file")
        .select_related("blob", "case")
        .first()
    )
    if source.kind != "file" or item is None or item.blob is None:
        raise ExpectedHashError("an expected hash needs a single image file as the source")
    computed = {"md5": item.blob.md5, "sha1": item.blob.sha1}
    check = AcquisitionCheck(expected, {name: computed[name] for name in expected})
    item.facts = item.facts | {
        "acquisition": {
            "stored": expected,
            "computed": check.computed,
            "verified": check.verified,
            "from": "acquisition log (--expected-md5/--expected-sha1)",
        }
    }
    issues = [issue for issue in item.issues if issue.get("code") != _MISMATCH.code]
    if not check.verified:
        issues.insert(0, _MISMATCH.as_dict())
    item.issues = issues
    item.save(update_fields=["facts", "issues"])
    record(
        "acquisition.check",
        actor=actor,
        outcome="ok" if check.verified else "failed",
        case_name=item.case.name,
        item_id=item.pk,
        details={"expected": expected, "computed": check.computed},
    )
    return check


_MISMATCH = Issue.error(
    "acquisition_hash_mismatch",
    "The hash of the image differs from the one its acquisition log states: the image is not "
    "what was acquired (damaged or altered).",
)
