"""Certificates as PDF, drawn by WeasyPrint from an HTML template.

Nothing is fetched while rendering: the template holds its own CSS, and every URL WeasyPrint
would follow is refused (Vigil runs air-gapped).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.urls import reverse

from vigil.web.training.models import Certificate
from vigil.web.training.services import text


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"a certificate fetches nothing ({url})")


def certificate_pdf(certificate: Certificate, language: str, *, site: str) -> bytes:
    context = {
        "certificate": certificate,
        "course_title": text(certificate.course.title, language),
        "verify_url": f"{site}{reverse('training_verify')}?code={certificate.code}",
    }
    html = render_to_string("training/certificate_pdf.html", context)
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching)
    pdf: bytes = document.write_pdf()
    return pdf


def _weasyprint() -> Any:
    """WeasyPrint, imported on first use, with Pillow's process-wide leniency undone: importing
    it sets `ImageFile.LOAD_TRUNCATED_IMAGES = True`, which would make a truncated JPEG of the
    evidence decode as if whole in this process instead of being reported as corrupt."""
    from PIL import ImageFile

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return weasyprint
