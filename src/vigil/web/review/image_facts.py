"""What the item page says about media images: where a file lay in one (volume, file system,
inode, deleted), and of an image itself its volumes and its acquisition check, as labelled
rows in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def where_it_lay(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows for a file found in a media image; none for any other item."""
    if "file_system" not in facts:
        return []
    rows = [(_("Volume"), facts.get("volume") or _("the whole image"))]
    rows.append((_("File system"), str(facts["file_system"])))
    if "inode" in facts:
        rows.append((_("Inode / MFT entry"), str(facts["inode"])))
    if facts.get("stream"):
        rows.append((_("Data stream"), str(facts["stream"])))
    rows.append((_("State"), _("deleted") if facts.get("deleted") else _("allocated")))
    return rows


def image_summary(facts: dict[str, Any]) -> dict[str, Any] | None:
    """The image's format, volumes and acquisition check, or None for an item that is not one."""
    image = facts.get("image")
    if not isinstance(image, dict):
        return None
    acquisition = facts.get("acquisition") or {}
    if acquisition.get("verified") is True:
        check, ok = _("verified: the MD5 recorded at acquisition matches the media"), True
    elif acquisition.get("verified") is False:
        check, ok = _("MISMATCH: the image is not what was acquired"), False
    else:
        check, ok = _("not checked (no hash recorded, or not an EWF image)"), None
    volumes = [
        {
            "label": volume.get("label") or _("the whole image"),
            "offset": volume.get("offset"),
            "file_system": volume.get("file_system") or volume.get("encrypted") or "?",
        }
        for volume in image.get("volumes", [])
    ]
    return {
        "format": image.get("format"),
        "check": check,
        "ok": ok,
        "volumes": volumes,
        "stored": acquisition.get("stored") or {},
        "computed": acquisition.get("computed") or {},
    }
