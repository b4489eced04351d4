"""The evidence report of one conversation: what was said, by whom and when, with the hashes
that tie it to the seized export (and each attached file to its item), as HTML or PDF.

The report is self-contained: its CSS is in the page, it loads nothing, and it holds no
thumbnails (attachments are listed by name and hash)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, F
from django.template.loader import render_to_string

from vigil import __version__
from vigil.records.chats.models import Conversation, Message, Participant
from vigil.web.pdf import html_to_pdf

MAX_REPORT_MESSAGES = 20_000  # HTML: about 2 s to build on a small server
# WeasyPrint lays out about 13 ms a message (2,000 in 26 s, measured on 2 busy cores); the PDF is
# made inside the request, so a longer conversation is reported as HTML.
MAX_PDF_MESSAGES = 3_000


class ReportTooLarge(ValueError):
    """The conversation has more messages than one report holds."""


@dataclass(frozen=True)
class Report:
    html: str
    messages: int
    attachments: int


def conversation_report(
    conversation: Conversation, *, generated_by: str, limit: int = MAX_REPORT_MESSAGES
) -> Report:
    if conversation.message_count > limit:
        raise ReportTooLarge(
            f"this conversation has {conversation.message_count} messages; "
            f"this report holds at most {limit}"
            + (" (choose HTML for a longer one)" if limit < MAX_REPORT_MESSAGES else "")
        )
    messages = list(
        Message.objects.filter(conversation=conversation)
        .select_related("sender")
        .prefetch_related("attachments__item__blob")
        .order_by(F("sent_at").asc(nulls_first=True), "pk")[: limit + 1]
    )
    if len(messages) > limit:  # the stored count was stale
        raise ReportTooLarge(f"this report holds at most {limit} messages")
    attachments = [a for m in messages for a in m.attachments.all()]
    export_item = conversation.export.item
    context: dict[str, Any] = {
        "case": conversation.case,
        "conversation": conversation,
        "export": conversation.export,
        "export_item": export_item,
        "source": export_item.source,
        "blob": export_item.blob,
        "participants": _participants(conversation),
        "messages": messages,
        "attachments": attachments,
        "generated_by": generated_by,
        "generated_at": datetime.now(UTC).replace(microsecond=0),
        "version": __version__,
    }
    html = render_to_string("chats/report.html", context)
    return Report(html=html, messages=len(messages), attachments=len(attachments))


def report_pdf(report: Report) -> bytes:
    return html_to_pdf(report.html)


def _participants(conversation: Conversation) -> list[Participant]:
    return list(
        Participant.objects.filter(messages__conversation=conversation)
        .annotate(sent=Count("messages"))
        .order_by("-sent", "pk")
    )
