"""The evidence report of a conversation, for investigators and supervisors (Action.EXPORT):
asked for with a reason, which goes to the audit log with the report's own SHA-256."""

from __future__ import annotations

import hashlib

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vigil.web.access import Action
from vigil.web.chats.report import (
    MAX_PDF_MESSAGES,
    MAX_REPORT_MESSAGES,
    ReportTooLarge,
    conversation_report,
    report_pdf,
)
from vigil.web.chats.views.audited import chat_case, conversation_of, log

EVENT = "chat.report"


class ReportForm(forms.Form):
    format = forms.ChoiceField(choices=[("html", "HTML"), ("pdf", "PDF")])
    reason = forms.CharField(label=_("Reason"), max_length=500, strip=True)


@require_POST
def chat_report(request: HttpRequest, case_id: int, conversation_id: int) -> HttpResponse:
    case = chat_case(request, case_id, event=EVENT, purpose="export", action=Action.EXPORT)
    conversation = conversation_of(case, conversation_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    kind, reason = form.cleaned_data["format"], form.cleaned_data["reason"]
    details = {"conversation": conversation.pk, "format": kind}
    try:
        report = conversation_report(
            conversation,
            generated_by=request.user.get_username(),
            limit=MAX_PDF_MESSAGES if kind == "pdf" else MAX_REPORT_MESSAGES,
        )
    except ReportTooLarge as error:
        log(request, case, EVENT, purpose=reason, outcome="failed", details=details)
        return HttpResponseBadRequest(str(error))
    content = report_pdf(report) if kind == "pdf" else report.html.encode()
    log(
        request,
        case,
        EVENT,
        purpose=reason,
        details={
            **details,
            "messages": report.messages,
            "attachments": report.attachments,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    content_type = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    # A server-made name: a conversation title could carry anything.
    name = f"chat-report-case{case.pk}-conversation{conversation.pk}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
