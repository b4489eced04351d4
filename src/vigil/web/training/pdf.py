"""Certificates as PDF, drawn by WeasyPrint from an HTML template.

Nothing is fetched while rendering (vigil.web.pdf): the template holds its own CSS.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from vigil.records.training.models import Certificate
from vigil.web.pdf import html_to_pdf
from vigil.web.training.services import text


def certificate_pdf(certificate: Certificate, language: str, *, site: str) -> bytes:
    context = {
        "certificate": certificate,
        "course_title": text(certificate.course.title, language),
        "verify_url": f"{site}{reverse('training_verify')}?code={certificate.code}",
    }
    return html_to_pdf(render_to_string("training/certificate_pdf.html", context))
