"""HTML to PDF with WeasyPrint, for every PDF the web app makes (certificates, chat reports).

Nothing is fetched while rendering: templates hold their own CSS, and every URL WeasyPrint would
follow is refused (Vigil runs air-gapped).
"""

from __future__ import annotations

from typing import Any, NoReturn


def html_to_pdf(html: str) -> bytes:
    document = weasyprint().HTML(string=html, url_fetcher=_no_fetching)
    pdf: bytes = document.write_pdf()
    return pdf


def weasyprint() -> Any:
    """WeasyPrint, imported on first use, with Pillow's process-wide leniency undone: importing
    it sets `ImageFile.LOAD_TRUNCATED_IMAGES = True`, which would make a truncated JPEG of the
    evidence decode as if whole in this process instead of being reported as corrupt."""
    from PIL import ImageFile

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint as module

    ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return module


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"a PDF made by Vigil fetches nothing ({url})")
