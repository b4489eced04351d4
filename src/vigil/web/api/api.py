"""The REST API (django-ninja; OpenAPI schema at /api/v1/openapi.json): cases, items,
categorisation, exports, tools, governed analysis runs, suggestions and decisions.

Every operation declares its rule (vigil.web.access.api_rule) and checks the case through the
same access module as the web views: a non-member gets 404. Authentication: a bearer token
(`vigil token create`), or the browser's session once signed in with two factors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import HttpError

from vigil.web.access import Action, api_rule, case_named
from vigil.web.api.auth import TokenAuth, VerifiedSessionAuth
from vigil.web.converters import ObjectId

# No interactive docs page: Ninja's loads Swagger UI from a CDN, and Vigil runs air-gapped.
# The OpenAPI schema itself is served at /api/v1/openapi.json.
api = NinjaAPI(
    title="Vigil",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    docs_url=None,
)
api.add_router("/", "vigil.web.jobs.api.router")  # background jobs
api.add_router("/", "vigil.web.api.cases.router")  # cases, items, categorisation
api.add_router("/", "vigil.web.api.exports.router")  # known-material exports


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Forbidden"}, status=403)


class ToolOut(Schema):
    name: str
    version: str
    title: str
    uses_ai: bool
    model_digest: str | None


class RunIn(Schema):
    tool: str = Field(max_length=100)
    legal_basis: str = Field("", max_length=2000)
    necessity: str = Field("", max_length=2000)


class RunOut(Schema):
    run_id: str
    tool: str
    status: str


class DecisionIn(Schema):
    verdict: str = Field(max_length=20)  # confirmed | rejected
    reason: str = Field("", max_length=2000)


def _audit(action: str, **fields: Any) -> None:
    from vigil.audit.log import record

    record(action, **fields)


@api.get("/tools", response=list[ToolOut])
@api_rule(None)
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
@api_rule(Action.ANALYSE)
def request_analysis(request: HttpRequest, case: str, body: RunIn) -> Status:
    """Queues a run of an approved tool as a background job (the one queue, run by
    `vigil worker`); refused with the reason when the gate says no."""
    from vigil.analyzers.registry import default_registry
    from vigil.governance.gate import ToolRefused
    from vigil.jobs.service import JobRequestError, enqueue_analysis

    user = request.auth  # type: ignore[attr-defined]
    case_row = case_named(user, case, Action.ANALYSE)
    if body.tool not in default_registry():
        raise HttpError(404, f"no tool named {body.tool!r}")
    try:
        job = enqueue_analysis(
            case_row,
            body.tool,
            user,
            legal_basis=body.legal_basis,
            necessity=body.necessity,
            via="api: run tool",
        )
    except ToolRefused as refusal:  # the gate has written the refusal to the audit log
        raise HttpError(403, str(refusal)) from None
    except JobRequestError as error:
        raise HttpError(422, str(error)) from None
    run_id = job.parameters["run_id"]
    return Status(202, {"run_id": run_id, "tool": body.tool, "status": "queued"})


@api.get("/cases/{case}/suggestions")
@api_rule(Action.VIEW)
def list_suggestions(request: HttpRequest, case: str, tool: str = "") -> list[dict[str, Any]]:
    from vigil.governance.decisions import suggestion_document
    from vigil.records.analysis.models import Suggestion

    user = request.auth  # type: ignore[attr-defined]
    case_row = case_named(user, case, Action.VIEW)
    query = Suggestion.objects.filter(case=case_row).select_related("run", "item")
    if tool:
        query = query.filter(tool=tool)
    _audit("suggestions.read", actor=user.username, case_name=case, purpose="api")
    return [suggestion_document(s) for s in query.prefetch_related("decisions__decided_by")]


@api.post("/suggestions/{suggestion_id}/decision", response={201: dict})
@api_rule(Action.CATEGORISE)
def decide(request: HttpRequest, suggestion_id: ObjectId, body: DecisionIn) -> Status:
    from vigil.governance.decisions import decide as record_decision
    from vigil.records.analysis.models import Decision, Suggestion
    from vigil.web.access import require_case_member

    user = request.auth  # type: ignore[attr-defined]
    suggestion = Suggestion.objects.select_related("case").filter(pk=suggestion_id).first()
    require_case_member(user, suggestion.case if suggestion else None, Action.CATEGORISE)
    assert suggestion is not None
    if body.verdict not in Decision.Verdict.values:
        raise HttpError(422, "verdict must be 'confirmed' or 'rejected'")
    record_decision(suggestion, body.verdict, user, body.reason, purpose="api: review AI output")
    return Status(201, {"suggestion": suggestion.pk, "verdict": body.verdict})
