"""API: known-material exports of a case. Their own permission, a reason, the audit log.

The file is written under VIGIL_HOME/exports/<case id>/ with a name the server makes (never
one from the request), next to its manifest, and downloaded by that name.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from vigil import config
from vigil.audit.log import record
from vigil.matching.export import export_case
from vigil.records.cases.models import Case
from vigil.web.access import Action, api_rule, case_named

router = Router(tags=["exports"])
_NAME = re.compile(r"^\d{8}T\d{6}Z-(vics\.json|csv\.csv)$")


class ExportIn(Schema):
    format: Literal["vics", "csv"] = "vics"
    reason: str = Field(max_length=2000)


@router.post("/cases/{case}/exports", response={201: dict})
@api_rule(Action.EXPORT)
def create_export(request: HttpRequest, case: str, body: ExportIn) -> Status:
    user = request.auth  # type: ignore[attr-defined]
    row = case_named(user, case, Action.EXPORT)
    reason = body.reason.strip()
    if not reason:
        raise HttpError(422, "an export needs a reason")
    folder = _folder(row)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-vics.json" if body.format == "vics" else f"{stamp}-csv.csv"
    record(
        "export.request",
        actor=user.username,
        case_name=row.name,
        purpose=reason,
        details={"format": body.format, "file": name},
    )
    result = export_case(row, folder / name, body.format, actor=user.username)
    return Status(
        201,
        {
            "file": name,
            "format": body.format,
            "count": result.count,
            "sha256": result.sha256,
            "size": result.size,
            "manifest": result.manifest.name,
        },
    )


@router.get("/cases/{case}/exports/{name}")
@api_rule(Action.EXPORT)
def download_export(request: HttpRequest, case: str, name: str) -> FileResponse:
    user = request.auth  # type: ignore[attr-defined]
    row = case_named(user, case, Action.EXPORT)
    path = _folder(row) / name
    if not _NAME.fullmatch(name) or not path.is_file():
        raise Http404("no such export")
    record(
        "export.download",
        actor=user.username,
        case_name=row.name,
        purpose="api",
        details={"file": name},
    )
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


def _folder(case: Case) -> Path:
    return config.vigil_home() / "exports" / str(case.pk)
