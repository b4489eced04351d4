"""The REST API (django-ninja; OpenAPI schema at /api/v1/openapi.json): tools, governed
analysis runs, suggestions and decisions. The CLI's gate decides whether a tool may run."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError

from vigil.web.api.auth import TokenAuth

# No interactive docs page: Ninja's loads Swagger UI from a CDN, and Vigil runs air-gapped.
# The OpenAPI schema itself is served at /api/v1/openapi.json.
api = NinjaAPI(title="Vigil", version="1", urls_namespace="api-v1", auth=TokenAuth(), docs_url=None)


class ToolOut(Schema):
    name: str
    version: str
    title: str
    uses_ai: bool
    model_digest: str | None


class RunIn(Schema):
    tool: str
    legal_basis: str = ""
    necessity: str = ""


class RunOut(Schema):
    run_id: str
    tool: str
    status: str


class DecisionIn(Schema):
    verdict: str  # confirmed | rejected
    reason: str = ""


def _audit(action: str, **fields: Any) -> None:
    from vigil.audit.log import record

    record(action, **fields)


@api.get("/tools", response=list[ToolOut])
def list_tools(request: HttpRequest) -> list[dict[str, Any]]:
    from vigil.analyzers.registry import default_registry

    tools = []
    for analyzer in default_registry():
        model = analyzer.model() if analyzer.missing_dependency() is None else None
        tools.append(
            {
                "name": analyzer.name,
                "version": analyzer.version,
                "title": analyzer.title,
                "uses_ai": analyzer.uses_ai,
                "model_digest": model.digest if model else None,
            }
        )
    return tools


@api.post("/cases/{case}/analyses", response={202: RunOut})
def request_analysis(request: HttpRequest, case: str, body: RunIn) -> Status:
    """Queues a run of an approved tool; refused with the reason when the gate says no."""
    from vigil.analyzers.registry import default_registry
    from vigil.cli.analyze import agency_of
    from vigil.governance.gate import ToolRefused, check_tool_allowed
    from vigil.pipeline.analysis import start_run
    from vigil.web.analysis.models import AnalysisRun
    from vigil.web.cases.models import Case

    user = request.auth  # type: ignore[attr-defined]
    case_row = Case.objects.filter(name=case).first()
    if case_row is None:
        raise HttpError(404, f"no case named {case!r}")
    if body.tool not in default_registry():
        raise HttpError(404, f"no tool named {body.tool!r}")
    try:
        check_tool_allowed(
            body.tool,
            case_name=case,
            actor=user.username,
            legal_basis=body.legal_basis,
            necessity=body.necessity,
            agency=agency_of(user),
        )
    except ToolRefused as refusal:  # the gate has written the refusal to the audit log
        raise HttpError(403, str(refusal)) from None
    run = start_run(
        case_row,
        default_registry().get(body.tool),
        actor=user.username,
        legal_basis=body.legal_basis,
        necessity=body.necessity,
        status=AnalysisRun.Status.QUEUED,
    )
    _audit(
        "analysis.queued",
        actor=user.username,
        case_name=case,
        purpose="api: run tool",
        details={"tool": body.tool, "run_id": str(run.run_id)},
    )
    return Status(202, {"run_id": str(run.run_id), "tool": run.tool, "status": run.status})


@api.get("/cases/{case}/suggestions")
def list_suggestions(request: HttpRequest, case: str, tool: str = "") -> list[dict[str, Any]]:
    from vigil.cli.analyze import suggestion_document
    from vigil.web.analysis.models import Suggestion

    query = Suggestion.objects.filter(case__name=case).select_related("run", "item")
    if tool:
        query = query.filter(tool=tool)
    user = request.auth  # type: ignore[attr-defined]
    _audit("suggestions.read", actor=user.username, case_name=case, purpose="api")
    return [suggestion_document(s) for s in query.prefetch_related("decisions__decided_by")]


@api.post("/suggestions/{suggestion_id}/decision", response={201: dict})
def decide(request: HttpRequest, suggestion_id: int, body: DecisionIn) -> Status:
    from vigil.web.analysis.models import Decision, Suggestion
    from vigil.web.analysis.services import decide as record_decision

    if body.verdict not in Decision.Verdict.values:
        raise HttpError(422, "verdict must be 'confirmed' or 'rejected'")
    suggestion = Suggestion.objects.select_related("case").filter(pk=suggestion_id).first()
    if suggestion is None:
        raise HttpError(404, f"no suggestion {suggestion_id}")
    user = request.auth  # type: ignore[attr-defined]
    record_decision(suggestion, body.verdict, user, body.reason, purpose="api: review AI output")
    return Status(201, {"suggestion": suggestion.pk, "verdict": body.verdict})
